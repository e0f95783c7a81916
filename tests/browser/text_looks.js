// What each element the colour rules of axe-core read looks like: an element
// with text of its own, a form field (its text is its value), and a link. The
// colour rules (axe_check.js) check each look once per colour scheme on the
// whole site, on the first page that has it, instead of again on every page.
// The header, the navigation and the code blocks' colours are the same on all
// pages: checked on every page, they were most of what axe-core did.
//
// A look is what the colour rules read of an element, as far as a page can
// tell it: its tag, classes and style, and those of every element around it
// with their colours, backgrounds and opacity (which a rule on an element's
// position, such as a striped table's, may set); its own colours, font,
// decoration, border, outline and shadow; whether it is drawn and visible;
// what its text is made of (letters or digits, other symbols, one character
// alone: axe treats each differently); and for a link, whether text stands
// beside it (a link in running text must stand out from that text). It does
// not look into shadow roots: a page with one fails here.
//
// First, once per page, it thins out the elements that only style a run of
// text: the tokens of the code blocks, the command in a code block's caption,
// and inline code in running text. axe-core costs about a millisecond for each
// element of a page, for every rule, and four in five are such tokens. A token
// whose look the page already has loses its tag: its text stays where it is,
// in the line or the sentence that holds it, and every rule runs on the page
// so thinned. No rule but the colour rules finds anything to check in such a
// tag, and the page still shows its look in the token that keeps its tag.
//
// Returns the page's looks, each once; window.__textLooks keeps which element
// has which, for axe_check.js.
async () => {
  // The theme fades colours when the scheme changes (CSS transitions), unless
  // the reader asks for reduced motion, as every tab here does (Tabs.open): a
  // colour caught mid-fade would be neither scheme's.
  const fading = document.getAnimations().filter((a) => a instanceof CSSTransition);
  await Promise.all(fading.map((animation) => animation.finished.catch(() => null)));

  const places = new Map();
  const place = (element) => {
    if (!element) return "";
    if (!places.has(element)) {
      const { color, backgroundColor, backgroundImage, opacity } = getComputedStyle(element);
      const own = [
        element.localName, element.getAttribute("class"), element.getAttribute("style"),
        color, backgroundColor, backgroundImage, opacity,
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
  const ownText = (element) => [...element.childNodes]
    .filter((node) => node.nodeType === Node.TEXT_NODE)
    .map((node) => node.data)
    .join("");
  // Read by the colour rules whether or not they have text of their own.
  const read = "input, select, textarea, a[href], [role=link]";
  const link = "a[href], [role=link]";
  for (const element of [document.body, ...document.body.querySelectorAll("*")]) {
    if (element.shadowRoot) throw new Error("text_looks.js does not read shadow roots");
    const text = ownText(element).trim();
    if (!text && !element.matches(read)) continue;
    const style = getComputedStyle(element);
    const besideText = element.matches(link) && [...element.parentElement.childNodes]
      .some((node) => node !== element && node.textContent.trim());
    const look = [
      place(element), style.font, style.textDecoration, style.textShadow,
      style.borderBottom, style.outline,
      element.getClientRects().length > 0, element.checkVisibility({ visibilityProperty: true }),
      hasWords(text), /[^\p{L}\p{N}\p{P}\s]/u.test(text), text.length === 1, besideText,
    ].join("/");
    if (!looks.has(look)) looks.set(look, looks.size);
    elements.push(element);
    lookOf.push(looks.get(look));
  }
  window.__textLooks = { elements, lookOf };
  return [...looks.keys()];
}
