// What has the keyboard focus, as a reader would tell: which of the controls
// the keyboard test looks for it is, where it leads, whether it can be seen,
// and whether it is in the page's content (past the header and navigation).
// The theme fades some controls in as they get the focus: read them once shown.
async () => {
  const element = document.activeElement;
  await Promise.all(element.getAnimations().map((a) => a.finished.catch(() => null)));
  const kinds = {
    "a.md-skip": "skip link",
    "input.md-option": "palette toggle",
    "input.md-search__input": "search field",
    "a.md-search-result__link": "search result",
  };
  const kind = Object.keys(kinds).find((selector) => element.matches(selector));
  const box = element.getBoundingClientRect();
  const style = getComputedStyle(element);
  return {
    kind: kind ? kinds[kind] : element.localName,
    name: element.getAttribute("aria-label") || element.textContent.trim().slice(0, 40),
    href: element.href || null,
    visible: box.width > 0 && box.height > 0 && box.bottom > 0
      && box.top < innerHeight && style.visibility === "visible"
      && Number(style.opacity) > 0,
    inContent: Boolean(element.closest("article")),
  };
}
