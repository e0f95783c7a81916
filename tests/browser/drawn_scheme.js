// Material's colour scheme on the page ("default" is light, "slate" dark),
// once the browser has drawn a frame in it: what the styles of that scheme
// fetch, if anything, has been requested by then. The callback of the first
// animation frame runs before that frame is drawn; the second one, after.
() => new Promise((resolve) =>
  requestAnimationFrame(() => requestAnimationFrame(() =>
    resolve(document.body.dataset.mdColorScheme)
  ))
)
