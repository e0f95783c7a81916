// True once mermaid has drawn at least `expected` diagrams on the page: each
// drawing is an <svg> in the (opened) shadow root of a div.mermaid.
(expected) => [...document.querySelectorAll("div.mermaid")].filter(
  (host) => host.shadowRoot && host.shadowRoot.querySelector("svg")
).length >= expected
