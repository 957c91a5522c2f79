// Start Pagefind's search UI on the search page; a ?q= in the address runs that search.
window.addEventListener("DOMContentLoaded", function () {
  if (typeof PagefindUI === "undefined") return;
  var ui = new PagefindUI({
    element: "#search",
    bundlePath: "/pagefind/",
    showSubResults: true,
    showEmptyFilters: false,
    openFilters: ["theme", "year", "partnership", "outcome"],
    resetStyles: false,
    showImages: false,
    translations: { placeholder: "Search reviews and letters" }
  });
  var query = new URLSearchParams(window.location.search).get("q");
  if (query) ui.triggerSearch(query);
});
