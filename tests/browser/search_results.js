// The path of every page the search results link to, in the order shown.
// A result for a page also links to its sections: count each page once.
() => [...new Set(
  [...document.querySelectorAll(".md-search-result__item a")]
    .map((link) => new URL(link.href).pathname)
)]
