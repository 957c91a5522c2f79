// The search page: Pagefind's Component UI in faceted mode (results without search words too).
// The words and filters live in the address (?q=…&theme=…), so a search can be shared or reloaded.
(function () {
  "use strict";
  var components = window.PagefindComponents;
  if (!components || !window.URLSearchParams) return;
  var FILTERS = ["theme", "year", "partnership", "outcome", "type"];
  var search = components.getInstanceManager().getInstance("default");
  // The index is in shards: Pagefind merges the others into the first, and their results and filters.
  var config = document.querySelector("pagefind-config");
  var merge = ((config && config.getAttribute("data-merge")) || "").split(" ").filter(Boolean);
  search.options.mergeIndex = merge.map(function (path) { return { bundlePath: path }; });
  search.triggerLoad();

  var params = new URLSearchParams(window.location.search);
  var pending = { term: params.get("q") || "", filters: {} };
  FILTERS.forEach(function (name) {
    var values = params.getAll(name);
    if (values.length) pending.filters[name] = values;
  });
  if (!pending.term && !Object.keys(pending.filters).length) pending = null;
  var ready = !pending;

  // In faceted mode the UI runs its own empty search once the filters have loaded; the address's
  // search goes just after it, and from then on every search is written back to the address.
  search.on("filters", function () {
    if (!pending) return;
    var state = pending;
    pending = null;
    setTimeout(function () {
      ready = true;
      search.triggerSearchWithFilters(state.term, state.filters);
    }, 0);
  });

  search.on("search", function (words, chosen) {
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
