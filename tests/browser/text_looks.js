// What each element the colour rules of axe-core read looks like: an element
// with text of its own, a form field (its text is its value), and a link. The
// colour rules (axe_check.js) check each look once per colour scheme on the
// whole site, on the first page that has it, instead of again on every page.
// The header, the navigation and the code blocks' colours are the same on all
// pages: checked on every page, they were most of what axe-core did.
//
// A look is what decides an element's contrast: its tag, classes and style,
// and those of every element around it with their backgrounds and opacity
// (which a rule on an element's position, such as a striped table's, may
// set), its colours, font, decoration, shadow, the colour of the text around
// it (a link must stand out from it), whether it is drawn, and whether its
// text has a letter or digit (axe skips text made only of punctuation).
//
// First, once per page, it thins out the elements that only style a run of
// text: the tokens of the code blocks, the command in a code block's caption,
// and inline code in running text. axe-core costs about a millisecond for each
// element of a page, for every rule, and four in five are such tokens. A token
// whose look the page already has loses its tag: its text stays where it is,
// in the line or the sentence that holds it. It carries no meaning but its
// look, which the page still shows in the token that keeps its tag.
//
// Returns the page's looks, each once; window.__textLooks keeps which element
// has which, for axe_check.js.
async () => {
  // The theme fades colours when the scheme changes (CSS transitions): a
  // colour caught mid-fade is neither scheme's.
  const fading = document.getAnimations().filter((a) => a instanceof CSSTransition);
  await Promise.all(fading.map((animation) => animation.finished.catch(() => null)));

  const places = new Map();
  const place = (element) => {
    if (!element) return "";
    if (!places.has(element)) {
      const { backgroundColor, backgroundImage, opacity } = getComputedStyle(element);
      const own = [
        element.localName, element.getAttribute("class"), element.getAttribute("style"),
        backgroundColor, backgroundImage, opacity,
      ];
      places.set(element, place(element.parentElement) + ">" + own.join(" "));
    }
    return places.get(element);
  };
  const hasWords = (text) => /[\p{L}\p{N}]/u.test(text);

  if (!window.__thinned) {
    const tokenLooks = new Set();
    const repeated = [];
    const styled = ".highlight code span, .filename > span, :is(p, li, td, th) > code";
    for (const token of document.querySelectorAll(styled)) {
      if (token.children.length || token.attributes.length > 1) continue;
      const style = getComputedStyle(token);
      const look = [
        token.className, style.color, style.backgroundColor, style.font,
        hasWords(token.textContent), place(token.parentElement),
      ].join("/");
      if (tokenLooks.has(look)) repeated.push(token);
      tokenLooks.add(look);
    }
    // All reads first, then all writes: a read after a write restyles the page.
    for (const token of repeated) token.replaceWith(...token.childNodes);
    places.clear();
    window.__thinned = true;
  }

  const looks = new Map(); // look: its number on this page
  const elements = [];
  const lookOf = [];
  // Read by the colour rules whether or not they have text of their own.
  const read = "input, select, textarea, a[href], [role=link]";
  for (const element of document.body.querySelectorAll("*")) {
    const text = [...element.childNodes]
      .filter((node) => node.nodeType === Node.TEXT_NODE)
      .map((node) => node.data)
      .join("");
    if (!text.trim() && !element.matches(read)) continue;
    const style = getComputedStyle(element);
    const look = [
      place(element), style.color, style.font, style.textDecoration, style.textShadow,
      getComputedStyle(element.parentElement).color,
      element.getClientRects().length > 0, hasWords(text),
    ].join("/");
    if (!looks.has(look)) looks.set(look, looks.size);
    elements.push(element);
    lookOf.push(looks.get(look));
  }
  window.__textLooks = { elements, lookOf };
  return [...looks.keys()];
}
