// What the browser shows of a diagram page's drawings (inline SVGs, drawn when
// the site was built): how many there are, and for every piece of text its
// WCAG contrast ratio with what is painted behind it: the shapes under its
// centre, blended down to the page's background. The same for every arrowhead
// (any marker a line uses), against the page behind the diagram.
() => {
  const SHAPES = new Set(["rect", "circle", "ellipse", "polygon", "path", "polyline"]);
  const rgba = (css) => {
    const match = /rgba?\(([^)]*)\)/.exec(css || "");
    if (!match) return null; // "none", or a gradient: paints nothing we can measure
    const [r, g, b, a = 1] = match[1].split(/[\s,\/]+/).filter(Boolean).map(Number);
    return [r, g, b, a];
  };
  const over = ([r, g, b, a], [R, G, B]) =>
    [r * a + R * (1 - a), g * a + G * (1 - a), b * a + B * (1 - a), 1];
  const luminance = (color) => {
    const [r, g, b] = color.slice(0, 3).map((value) => {
      value /= 255;
      return value <= 0.04045 ? value / 12.92 : ((value + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const contrast = (one, two) => {
    const [light, dark] = [luminance(one), luminance(two)].sort((x, y) => y - x);
    return (light + 0.05) / (dark + 0.05);
  };
  // What an element paints behind text: a shape's fill, or a box's background.
  const paint = (element) => {
    const style = getComputedStyle(element);
    const isShape = element instanceof SVGElement && SHAPES.has(element.localName);
    const isBox = !(element instanceof SVGElement)
      || element.localName === "svg" || element.localName === "foreignObject";
    const color = isShape ? rgba(style.fill)
      : isBox ? rgba(style.backgroundColor) : null;
    if (!color) return null;
    color[3] *= Number(style.opacity) * (isShape ? Number(style.fillOpacity) : 1);
    return color[3] > 0 ? color : null;
  };
  // The colour of the text itself.
  const ink = (element) => {
    const style = getComputedStyle(element);
    const svg = element instanceof SVGElement;
    const color = rgba(svg ? style.fill : style.color) || [0, 0, 0, 0];
    color[3] *= Number(style.opacity) * (svg ? Number(style.fillOpacity) : 1);
    return color;
  };
  // The page behind a diagram: the first background an ancestor paints.
  const backdrop = (element) => {
    for (; element; element = element.parentElement) {
      const color = rgba(getComputedStyle(element).backgroundColor);
      if (color && color[3] > 0) return over(color, [255, 255, 255, 1]);
    }
    return [255, 255, 255, 1];
  };
  const format = (color) => "rgb(" + color.slice(0, 3).map(Math.round).join(", ") + ")";

  const hosts = [...document.querySelectorAll("div.diagram")];
  const texts = [];
  const arrowheads = [];
  hosts.forEach((host, diagram) => {
    const root = host.querySelector("svg");
    if (!root) return;
    // Each marker a line uses (arrowheads, crosses), as drawn on the page.
    const page = backdrop(host);
    const used = new Set(
      [...root.querySelectorAll("[marker-start], [marker-end]")].flatMap((line) =>
        ["marker-start", "marker-end"].map((name) =>
          /url\(#(.+)\)/.exec(line.getAttribute(name) || "")?.[1]))
    );
    for (const id of used) {
      const shapes = root.querySelector("#" + CSS.escape(id))?.querySelectorAll("*") || [];
      for (const shape of shapes) {
        const style = getComputedStyle(shape);
        const color = rgba(style.fill) || rgba(style.stroke);
        if (!color || color[3] === 0) continue;
        const drawn = over(color, page);
        arrowheads.push({
          diagram, marker: id, ratio: contrast(drawn, page),
          why: format(drawn) + " on " + format(page),
        });
      }
    }
    // Hit-test every painted shape, whatever mermaid says about the pointer.
    const probe = document.createElement("style");
    probe.textContent = ".diagram svg * { pointer-events: visiblePainted !important; }";
    document.head.append(probe);
    const holders = [...root.querySelectorAll("*")].filter(
      (element) => !element.closest("style, title, desc, defs, marker")
        && [...element.childNodes].some(
          (node) => node.nodeType === Node.TEXT_NODE && node.textContent.trim()
        )
    );
    for (const element of holders) {
      const text = element.textContent.trim();
      element.scrollIntoView({ block: "center", inline: "center" });
      const box = element.getBoundingClientRect();
      if (!box.width || !box.height) {
        texts.push({ diagram, text, ratio: 0, why: "not laid out" });
        continue;
      }
      const stack = document.elementsFromPoint(
        box.left + box.width / 2, box.top + box.height / 2
      );
      // Only what lies under the text counts: skip down past the text itself.
      const own = element.closest("text") || element;
      const at = stack.findIndex((hit) => hit === own || own.contains(hit));
      if (at < 0) {
        const top = stack[0]?.localName;
        texts.push({ diagram, text, ratio: 0, why: "covered by " + top });
        continue;
      }
      const layers = [];
      for (const under of stack.slice(at + 1)) {
        const color = paint(under);
        if (!color) continue;
        layers.push(color);
        if (color[3] >= 1) break;
      }
      let background = [255, 255, 255, 1]; // the canvas, if nothing else is painted
      for (const color of layers.reverse()) background = over(color, background);
      const foreground = over(ink(element), background);
      texts.push({
        diagram, text, ratio: contrast(foreground, background),
        why: format(foreground) + " on " + format(background),
      });
    }
    probe.remove();
  });
  return {
    scheme: document.body.getAttribute("data-md-color-scheme"),
    drawn: hosts.filter((host) => host.querySelector("svg")).length,
    texts,
    arrowheads,
  };
}
