// Run axe-core on the page: every rule, or the rules named in `rules`. axe-core
// is in every page the pass checks with it (an init script, see
// tests/browser/__init__.py). Returns every violation (`found`: the rule, what
// it asks for, and a CSS selector for each element that breaks it), and how
// many looks of text the colour rules checked here (`looksChecked`).
//
// The rules in `colourRules` skip an element whose look another page has
// already shown them in this scheme (`shownElsewhere`, numbers of this page's
// looks from text_looks.js, which must have run since the scheme last
// changed), or this page in an element before it. text_looks.js gives a look
// to every element with text of its own, every form field and every link: all
// that those rules read. So, asked for those rules alone, on a page with no
// look new to them, it does not run axe-core at all. The other rules check
// the whole page.
async ({ rules, colourRules, shownElsewhere }) => {
  const SHOWN = "data-axe-look-shown";
  if (!window.__colourRulesSkipShown) {
    // A rule's elements are those its selector matches: "*" if it has none.
    for (const id of colourRules) {
      const rule = axe._audit.rules.find((candidate) => candidate.id === id);
      if (!rule) throw new Error(`axe-core has no rule ${id}`);
      const selector = (rule.selector ?? "*")
        .split(",")
        .map((part) => `${part.trim()}:not([${SHOWN}])`)
        .join(", ");
      axe.configure({ rules: [{ id, selector }] });
    }
    window.__colourRulesSkipShown = true;
  }
  for (const element of document.querySelectorAll(`[${SHOWN}]`)) {
    element.removeAttribute(SHOWN);
  }
  const { elements, lookOf } = window.__textLooks;
  const shown = new Set(shownElsewhere);
  let shownHere = 0;
  elements.forEach((element, index) => {
    if (shown.has(lookOf[index])) {
      element.setAttribute(SHOWN, "");
      shownHere += 1;
    }
    shown.add(lookOf[index]);
  });
  const looksChecked = elements.length - shownHere;
  // Only the colour rules, and every look here shown before: nothing to check.
  if (rules && rules.every((id) => colourRules.includes(id)) && !looksChecked) {
    return { found: [], looksChecked };
  }

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
  return { found, looksChecked };
}
