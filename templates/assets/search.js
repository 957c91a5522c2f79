// The search page: Pagefind's Component UI, its index in shards merged into one search.
// The words and filters live in the address (?q=…&theme=…), so a search can be shared or reloaded.
(function () {
  "use strict";
  var components = window.PagefindComponents;
  if (!components || !window.URLSearchParams) return;
  var LIST_WEIGHT = 0.1;
  var FILTERS = ["kind", "theme", "partnership", "region", "year", "death", "outcome", "type"];
  var search = components.getInstanceManager().getInstance("default");
  // The index is in shards: Pagefind merges the others into the first, and their results and filters.
  var config = document.querySelector("pagefind-config");
  var merge = ((config && config.getAttribute("data-merge")) || "").split(" ").filter(Boolean);
  // The lists across reviews (their own shards) repeat the review pages, a hundred entries a page: their
  // results are weighed down, so that each review's own page comes first.
  var lists = ((config && config.getAttribute("data-lists")) || "").split(" ");
  search.options.mergeIndex = merge.map(function (path) {
    return { bundlePath: path, indexWeight: lists.indexOf(path) >= 0 ? LIST_WEIGHT : 1 };
  });
  search.triggerLoad();

  var params = new URLSearchParams(window.location.search);
  var pending = { term: params.get("q") || "", filters: {} };
  FILTERS.forEach(function (name) {
    var values = params.getAll(name);
    if (values.length) pending.filters[name] = values;
  });
  if (!pending.term && !Object.keys(pending.filters).length) pending = null;
  var ready = !pending;

  // The address's search goes once the filters have loaded, and from then on every search is written
  // back to the address.
  search.on("filters", function () {
    if (!pending) return;
    var state = pending;
    pending = null;
    setTimeout(function () {
      ready = true;
      search.triggerSearchWithFilters(state.term, state.filters);
    }, 0);
  });

  // Search words with no results: say so, offer to clear any filters, and hide the filters (with nothing
  // to count, they are empty).
  var empty = document.getElementById("search-empty");
  var emptyFilters = document.getElementById("search-empty-filters");
  var pane = document.querySelector(".search__filters");
  var current = { term: "", filters: {} };
  function chosenAny(filters) {
    return Object.keys(filters || {}).some(function (name) { return (filters[name] || []).length; });
  }
  search.on("results", function (found) {
    var none = !!current.term && !!found && (found.results || []).length === 0;
    empty.hidden = !none;
    emptyFilters.hidden = !(none && chosenAny(current.filters));
    pane.hidden = none && !chosenAny(current.filters);
  });
  document.getElementById("search-clear").addEventListener("click", function () {
    search.triggerSearchWithFilters(current.term, {});
  });

  search.on("search", function (words, chosen) {
    current = { term: words || "", filters: chosen || {} };
    if (!ready) return;
    var address = new URLSearchParams();
    if (words) address.set("q", words);
    FILTERS.forEach(function (name) {
      ((chosen || {})[name] || []).forEach(function (value) { address.append(name, value); });
    });
    var query = address.toString();
    history.replaceState(null, "", window.location.pathname + (query ? "?" + query : ""));
  });
})();
