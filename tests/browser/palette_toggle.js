// Where a reader clicks to switch the colour scheme: the middle of the palette
// toggle that is shown (Material has one per scheme, and hides the other).
() => {
  const toggles = document.querySelectorAll("label[for^='__palette_']");
  const shown = [...toggles].find((toggle) => toggle.checkVisibility());
  if (!shown) throw new Error("no palette toggle is shown");
  const { x, y, width, height } = shown.getBoundingClientRect();
  return [x + width / 2, y + height / 2];
}
