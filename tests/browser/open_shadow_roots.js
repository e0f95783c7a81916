// An init script: it runs in every page of the context before the page's own.
// Material draws each diagram into a closed shadow root, which no test could
// look into. Test pages open them instead; nothing else changes.
const attachShadow = Element.prototype.attachShadow;
Element.prototype.attachShadow = function (init) {
  return attachShadow.call(this, { ...init, mode: "open" });
};
