// A diagram in a content tab that is not selected, or in a closed <details>,
// is not laid out: show them all, so that every diagram can be measured.
() => {
  const style = document.createElement("style");
  style.textContent = ".tabbed-block { display: block !important; }";
  document.head.append(style);
  document.querySelectorAll("details").forEach((details) => (details.open = true));
}
