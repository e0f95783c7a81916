// Run axe-core on the page (every rule, or the rules named in `rules`) once its
// colours have settled: the theme fades some colours when the scheme changes
// (CSS transitions), and a colour caught mid-fade is neither scheme's.
// axe-core is in every page the pass checks with it (an init script, see
// tests/browser/__init__.py). Every violation: the
// rule, what it asks for, and a CSS selector for each element that breaks it.
//
// First, for speed, it thins out the elements that only style a run of text:
// the tokens of the code blocks, the command in a code block's caption, and
// inline code in running text. axe-core costs about a millisecond for each
// element of a page, and four in five are tokens. Such an element whose look
// the page already has (its class and colours, inside the same chain of
// elements) loses its tag: its text stays where it is, in the line or the
// sentence that holds it. It carries no meaning but its look, and
// color-contrast still checks each look, in each place, on every page.
async (rules) => {
  const fading = document.getAnimations().filter((a) => a instanceof CSSTransition);
  await Promise.all(fading.map((animation) => animation.finished.catch(() => null)));

  const places = new Map();
  const place = (element) => {
    if (!element) return "";
    if (!places.has(element)) {
      const own = [element.localName, element.className, element.getAttribute("style")];
      places.set(element, place(element.parentElement) + ">" + own.join(" "));
    }
    return places.get(element);
  };
  const looks = new Set();
  const seen = [];
  const styled = ".highlight code span, .filename > span, :is(p, li, td, th) > code";
  for (const token of document.querySelectorAll(styled)) {
    if (token.children.length || token.attributes.length > 1) continue;
    const style = getComputedStyle(token);
    const look = [
      token.className, style.color, style.backgroundColor, style.font,
      // axe skips text made only of punctuation: such a token is not a sample.
      /[\p{L}\p{N}]/u.test(token.textContent), place(token.parentElement),
    ].join("/");
    if (looks.has(look)) seen.push(token);
    looks.add(look);
  }
  // All reads first, then all writes: a read after a write restyles the page.
  for (const token of seen) token.replaceWith(...token.childNodes);

  // preload: false, so that axe fetches nothing (it would reload stylesheets).
  const { violations, incomplete } = await axe.run(document, {
    resultTypes: ["violations", "incomplete"],
    preload: false,
    ...(rules ? { runOnly: rules } : {}),
  });
  const found = violations.map((violation) => ({
    rule: violation.id,
    help: violation.help,
    targets: violation.nodes.map((node) => node.target.join(" ")),
  }));
  // Text the colour of its background is not a violation to axe-core but a
  // result it leaves to a person ("incomplete", equalRatio): here, it fails.
  const invisible = incomplete
    .filter((result) => result.id === "color-contrast")
    .flatMap((result) => result.nodes)
    .filter((node) => node.any.some((check) => check.data?.messageKey === "equalRatio"));
  if (invisible.length) {
    found.push({
      rule: "color-contrast",
      help: "Text must not be the colour of its background (1:1)",
      targets: invisible.map((node) => node.target.join(" ")),
    });
  }
  return found;
}
