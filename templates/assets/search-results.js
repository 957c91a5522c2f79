// A search result on the search page (for search.js): its title, partnership and date and, for a search with
// words, the places in the page where they are: the review's themes, and the headings and feedback points
// with the most matches, each linked, with an excerpt that begins in the text (never in a heading's label).
// Every text from the index is shown with textContent, never as HTML.
(function () {
  "use strict";
  var PLACES = 2;  // the places in a page shown under its result (those with the most matches), and its themes
  var EXCERPT = 24;  // words an excerpt shows
  var BEFORE = 4;  // words shown before an excerpt's first match, never before its place's text begins
  // On a review page, the element that ends the summary list, whose only searchable text is the themes.
  var THEMES_END = "about-the-letter";

  function make(tag, className, text) {
    var element = document.createElement(tag);
    if (className) element.className = className;
    if (text !== undefined) element.textContent = text;
    return element;
  }

  function siteUrl(url) { return typeof url === "string" && /^\/(?!\/)/.test(url) ? url : null; }

  function resultItem(data, term) {
    var meta = data.meta || {};
    var item = make("li", "search-result");
    var name = make("h3", "search-result__title");
    var link = make("a", null, meta.title || data.url);
    link.setAttribute("href", siteUrl(data.url) || "/");
    name.appendChild(link);
    item.appendChild(name);
    var about = [meta.partnership, meta.dates || meta.year].filter(Boolean).join(" \u00b7 ");
    if (about) item.appendChild(make("p", "search-result__meta", about));
    if (term) {
      var found = places(data);
      if (found.length) {
        var where = make("ul", "search-result__places");
        found.forEach(function (place) { where.appendChild(placeItem(place, data)); });
        item.appendChild(where);
      }
    }
    return item;
  }

  // The page's text cut at its anchors: each heading (its words are its label, never an excerpt), each
  // feedback point of a letter, and the end of the themes. Each place holds the matches found in it.
  function places(data) {
    var text = data.content.split(/[\r\n\s]+/g);
    var cuts = [{ at: 0, label: 0, title: null, id: null }];
    var last = null;
    data.anchors.slice().sort(function (a, b) { return a.location - b.location; }).forEach(function (anchor) {
      var point = /-point-(\d+)$/.exec(anchor.id || "");
      if (/^h\d$/i.test(anchor.element) && anchor.text && /\S/.test(anchor.text)) {
        last = anchor.text.trim();
        cuts.push({ at: anchor.location, label: last.split(/\s+/).length, title: last, id: anchor.id });
      } else if (point && last) {
        cuts.push({ at: anchor.location, label: 0, title: last + ", point " + point[1], id: anchor.id });
      } else if (anchor.id === THEMES_END) {
        cuts[0].themes = true;
        cuts.push({ at: anchor.location, label: 0, title: null, id: null });
      }
    });
    cuts.forEach(function (cut, index) {
      cut.end = index + 1 < cuts.length ? cuts[index + 1].at : text.length;
      cut.hits = [];
      cut.score = 0;
    });
    data.weighted_locations.forEach(function (hit) {
      for (var index = cuts.length - 1; index >= 0; index--) {
        var cut = cuts[index];
        if (hit.location < cut.at) continue;
        if (hit.location >= cut.at + cut.label) {
          cut.hits.push(hit.location);
          cut.score += hit.balanced_score;
        } else {
          cut.score += hit.balanced_score / 100;  // a match in a heading alone: the place, after those in text
        }
        break;
      }
    });
    var themes = cuts[0].themes && cuts[0].hits.length ? [cuts[0]] : [];
    var found = cuts.filter(function (cut) { return cut.score > 0 && cut.id; });
    found.sort(function (a, b) { return b.score - a.score || a.at - b.at; });
    if (!found.length && !themes.length && cuts[0].hits.length) found = [cuts[0]];  // a page without anchors
    return themes.concat(found.slice(0, PLACES)).map(function (cut) { return excerpt(cut, text); });
  }

  function excerpt(cut, text) {
    var start = cut.at + cut.label;
    var best = start;
    var bestCount = -1;
    cut.hits.forEach(function (hit) {  // the excerpt with the most matches, beginning at a match
      var count = cut.hits.filter(function (other) { return other >= hit && other < hit + EXCERPT; }).length;
      if (count > bestCount) { best = hit; bestCount = count; }
    });
    var from = Math.max(start, best - BEFORE);
    var to = Math.min(cut.end, from + EXCERPT);
    return { title: cut.title, id: cut.id, themes: cut.themes, words: text.slice(from, to), from: from,
             hits: cut.hits, before: from > start, after: to < cut.end };
  }

  function placeItem(place, data) {
    var item = make("li");
    if (place.themes) {
      item.appendChild(make("span", "search-result__place", "Themes: "));
    } else if (place.id) {
      var link = make("a", "search-result__place", place.title);
      var url = siteUrl(data.url) || "/";
      link.setAttribute("href", url.split("#")[0] + "#" + encodeURIComponent(place.id));
      item.appendChild(link);
      item.appendChild(document.createTextNode(": "));
    }
    var quote = make("span", "search-result__excerpt");
    if (place.before) quote.appendChild(document.createTextNode("\u2026 "));
    place.words.forEach(function (word, index) {
      if (index) quote.appendChild(document.createTextNode(" "));
      var hit = place.hits.indexOf(place.from + index) >= 0;
      quote.appendChild(hit ? make("mark", null, word) : document.createTextNode(word));
    });
    if (place.after) quote.appendChild(document.createTextNode(" \u2026"));
    item.appendChild(quote);
    return item;
  }

  window.DhrSearchResult = resultItem;
})();
