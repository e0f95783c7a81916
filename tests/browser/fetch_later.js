// Fetch `url` after `delay` milliseconds, without waiting for it: a request a
// page (or its worker) makes later than everything else. Works in workers too.
([url, delay]) => {
  setTimeout(() => fetch(url).catch(() => null), delay);
}
