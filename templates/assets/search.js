// The search page: words, filters, order and pages of results, on Pagefind's JavaScript API over the index's
// shards (search-shards.js), each result shown by search-results.js. Words, filters, order and page live in the
// address (?q=…&theme=…&death-from=…&page=2), so a search can be shared and reloaded, and the browser's back
// button returns to the search before. Every text from the index is shown with textContent, never as HTML.
(function () {
  "use strict";
  var root = document.getElementById("search");
  if (!root || !window.URLSearchParams || !window.Promise || !window.history.pushState || !window.DhrSearchShards ||
      !window.DhrSearchResult) return;

  var PER_PAGE = 20;
  var NAMED = 5;  // a query naming at most this many partnerships puts their reviews first
  // Pagefind's ranking: a word itself counts for more than longer words it begins ("risk", "risks").
  var RANKING = { termSimilarity: 2.0 };
  var SORTS = { date: { date: "desc" }, oldest: { oldest: "asc" }, title: { title: "asc" } };
  var ORDER_WORDS = { "": "best match first", date: "newest first", oldest: "oldest first", title: "by title" };

  var form = document.getElementById("search-form");
  var input = document.getElementById("search-q");
  var sortField = document.getElementById("search-sort");
  var status = document.getElementById("search-status");
  var empty = document.getElementById("search-empty");
  var note = document.getElementById("search-note");
  var list = document.getElementById("search-results");
  var pager = document.getElementById("search-pages");
  var clear = document.getElementById("search-clear");
  var heading = document.getElementById("results-heading");
  var title = document.title;
  var groups = {};  // filter name -> {match: "any"|"all", element, boxes: {value: checkbox}}
  var ranges = {};  // filter name -> {element, from, to, years}
  var totals = {};  // filter name -> {value: count} over the whole index
  var index = null;  // the shards (search-shards.js)
  var latest = 0;  // the newest search run; an older one's answer is dropped

  function make(tag, className, text) {
    var element = document.createElement(tag);
    if (className) element.className = className;
    if (text !== undefined) element.textContent = text;
    return element;
  }

  function plural(count, one, many) { return count + " " + (count === 1 ? one : many); }

  // --- The state: read from and written to the address and the controls.

  function readAddress() {
    var params = new URLSearchParams(window.location.search);
    var state = { q: params.get("q") || "", filters: {}, ranges: {}, sort: params.get("sort") || "", page: 1 };
    Object.keys(groups).forEach(function (name) { state.filters[name] = params.getAll(name); });
    Object.keys(ranges).forEach(function (name) {
      var single = params.getAll(name).sort();  // ?year=2018: a range of one year
      var known = function (year) { return ranges[name].years.indexOf(year) >= 0 ? year : ""; };
      state.ranges[name] = { from: known(params.get(name + "-from") || single[0] || ""),
                             to: known(params.get(name + "-to") || single[single.length - 1] || "") };
    });
    if (!SORTS[state.sort]) state.sort = "";
    state.page = Math.max(1, parseInt(params.get("page"), 10) || 1);
    return state;
  }

  function address(state) {
    var params = new URLSearchParams();
    if (state.q.trim()) params.set("q", state.q.trim());
    Object.keys(groups).forEach(function (name) {
      state.filters[name].forEach(function (value) { params.append(name, value); });
    });
    Object.keys(ranges).forEach(function (name) {
      if (state.ranges[name].from) params.set(name + "-from", state.ranges[name].from);
      if (state.ranges[name].to) params.set(name + "-to", state.ranges[name].to);
    });
    if (state.sort) params.set("sort", state.sort);
    if (state.page > 1) params.set("page", String(state.page));
    var query = params.toString();
    return window.location.pathname + (query ? "?" + query : "");
  }

  function readControls() {
    var state = { q: input.value, filters: {}, ranges: {}, sort: sortField.value, page: 1 };
    Object.keys(groups).forEach(function (name) {
      var boxes = groups[name].boxes;
      state.filters[name] = Object.keys(boxes).filter(function (value) { return boxes[value].checked; });
    });
    Object.keys(ranges).forEach(function (name) {
      state.ranges[name] = { from: ranges[name].from.value, to: ranges[name].to.value };
    });
    return state;
  }

  function setControls(state) {
    input.value = state.q;
    sortField.value = state.sort;
    Object.keys(groups).forEach(function (name) {
      var boxes = groups[name].boxes;
      Object.keys(boxes).forEach(function (value) { boxes[value].checked = state.filters[name].indexOf(value) >= 0; });
    });
    Object.keys(ranges).forEach(function (name) {
      ranges[name].from.value = state.ranges[name].from;
      ranges[name].to.value = state.ranges[name].to;
    });
  }

  // --- Pagefind's filters: "any" groups and year ranges match one of their values, "all" groups every one.

  function rangeYears(name, range) {
    if (!range.from && !range.to) return null;
    var from = range.from || "0000";
    var to = range.to || "9999";
    if (from > to) { var swap = from; from = to; to = swap; }
    return ranges[name].years.filter(function (year) { return year >= from && year <= to; });
  }

  function filtersOf(state, without) {
    var filters = {};
    Object.keys(groups).forEach(function (name) {
      var values = state.filters[name];
      if (name === without || !values.length) return;
      filters[name] = groups[name].match === "all" ? values.slice() : { any: values.slice() };
    });
    Object.keys(ranges).forEach(function (name) {
      var years = name === without ? null : rangeYears(name, state.ranges[name]);
      if (years) filters[name] = { any: years };
    });
    return filters;
  }

  // The filters whose choices are counted without themselves: ticking another choice of an "any" group adds
  // to the results, so its count is what that choice alone would show beside the other filters.
  function countedApart(state) {
    return Object.keys(filtersOf(state)).filter(function (name) {
      return ranges[name] || groups[name].match === "any";
    });
  }

  function words(term) {
    return term.toLowerCase().replace(/[^\p{L}\p{N}\s'-]/gu, " ").split(/\s+/).filter(Boolean);
  }

  // The partnerships whose name holds the query's words, in order (a query naming a partnership).
  function partnershipsNamed(term) {
    var wanted = " " + words(term).join(" ") + " ";
    if (wanted.length < 4) return [];
    var named = Object.keys(totals.partnership || {}).filter(function (name) {
      return (" " + words(name).join(" ") + " ").indexOf(wanted) >= 0;
    });
    return named.length <= NAMED ? named : [];
  }

  function run(state) {
    var ticket = ++latest;
    var term = state.q.trim();
    var filters = filtersOf(state);
    var chosen = Object.keys(filters).length > 0;
    clear.parentNode.hidden = !chosen;
    document.title = term ? "\u201c" + term + "\u201d: " + title : title;
    if (!term && !chosen) {
      showCounts(totals, state);
      return show(state, { results: [] }, null, "Type words to search for, or choose filters to list the reviews they match.");
    }
    var order = state.sort || (term ? "" : "date");
    var options = { filters: filters, sort: SORTS[order] || {} };
    var checked = term.indexOf("\"") < 0 ? words(term) : [];  // a phrase in quotes needs no check
    return index.holding(checked).then(function (held) {
      if (ticket !== latest) return null;
      var among = held.among;
      var apart = countedApart(state);
      var searches = [index.search(term || null, options, among, true)].concat(apart.map(function (name) {
        return index.search(term || null, { filters: filtersOf(state, name), sort: options.sort }, among);
      }));
      // Best match first: the reviews of a partnership the words name, then pages with the words as a phrase.
      var named = term && !order ? partnershipsNamed(term) : [];
      var tiers = [];
      if (named.length) {
        var own = filtersOf(state, "partnership");
        own.partnership = { any: named };
        tiers.push(index.search(term, { filters: own }, among));
      }
      if (term && !order && term.indexOf("\"") < 0 && words(term).length > 1) {
        tiers.push(index.search("\"" + term + "\"", options, among));
      }
      return Promise.all([Promise.all(searches), Promise.all(tiers)]).then(function (found) {
        if (ticket !== latest) return null;
        var main = found[0][0];
        var counts = main.filters;
        apart.forEach(function (name, at) { counts[name] = found[0][at + 1].filters[name] || {}; });
        showCounts(counts, state);
        var answer = order ? { lists: main.lists, order: order, count: main.results.length }
          : { results: ordered(main.results, found[1]) };
        return show(state, answer, term, null, held.words);
      });
    }).catch(function (error) {
      if (window.console) window.console.error(error);
      if (ticket === latest) status.textContent = "The search failed. Please try again, or reload the page.";
    });
  }

  // The results in the order of the tiers (each keeping Pagefind's order), then the rest; the same results.
  function ordered(results, tiers) {
    var rank = {};
    tiers.forEach(function (tier, level) {
      tier.results.forEach(function (result) { if (!(result.id in rank)) rank[result.id] = level; });
    });
    var first = tiers.map(function () { return []; });
    var rest = [];
    results.forEach(function (result) { (result.id in rank ? first[rank[result.id]] : rest).push(result); });
    return [].concat.apply([], first).concat(rest);
  }

  function show(state, answer, term, message, missing) {
    var count = answer.lists ? answer.count : answer.results.length;
    var pages = Math.max(1, Math.ceil(count / PER_PAGE));
    var page = Math.min(state.page, pages);
    var ticket = latest;
    var chosen = answer.lists ? index.sorted(answer.lists, answer.order, page * PER_PAGE)
      : Promise.resolve(answer.results);
    return chosen.then(function (results) {
      var shown = results.slice((page - 1) * PER_PAGE, page * PER_PAGE);
      return Promise.all(shown.map(index.load));
    }).then(function (found) {
      if (ticket !== latest) return;
      list.textContent = "";
      list.start = (page - 1) * PER_PAGE + 1;
      found.forEach(function (data) { list.appendChild(window.DhrSearchResult(data, term)); });
      empty.hidden = message !== null || count > 0;
      note.hidden = !(missing && missing.length && count);
      if (!note.hidden) {
        note.textContent = "No review has the word " + missing.map(function (w) { return "\u201c" + w + "\u201d"; })
          .join(" or ") + ": these results are for the other words.";
      }
      status.textContent = message || summary(state, count, page, found.length, term);
      showPager(state, page, pages, count);
    });
  }

  function summary(state, count, page, shown, term) {
    var order = ORDER_WORDS[state.sort || (term ? "" : "date")];
    var what = term ? " for \u201c" + term + "\u201d" : " matching the filters";
    if (!count) return term ? "No results for \u201c" + term + "\u201d." : "No reviews match these filters.";
    var first = (page - 1) * PER_PAGE + 1;
    var range = count > PER_PAGE ? "Results " + first + "\u2013" + (first + shown - 1) + " of " + count
      : plural(count, "result", "results");
    return range + what + ", " + order + ".";
  }

  function showPager(state, page, pages, count) {
    pager.hidden = pages < 2;
    document.getElementById("search-page").textContent = "Page " + page + " of " + pages;
    [["search-prev", page - 1], ["search-next", page + 1]].forEach(function (pair) {
      var link = document.getElementById(pair[0]);
      var target = Object.assign({}, state, { page: pair[1] });
      link.hidden = pair[1] < 1 || pair[1] > pages || !count;
      link.setAttribute("href", address(target));
      link.onclick = function (event) {
        event.preventDefault();
        go(target);
        heading.focus();
      };
    });
  }

  // --- The filters' choices, made once from the whole index; each search updates their counts.

  function sortValues(name, values) {
    return values.sort(ranges[name] ? undefined : function (a, b) { return a.localeCompare(b, "en"); });
  }

  function buildChoices() {
    Array.prototype.forEach.call(root.querySelectorAll("[data-filter]"), function (element) {
      var name = element.getAttribute("data-filter");
      var values = sortValues(name, Object.keys(totals[name] || {}));
      var group = { match: element.getAttribute("data-match"), element: element, boxes: {}, labels: {} };
      var choices = element.querySelector("ul");
      values.forEach(function (value, index) {
        var item = make("li", "search-choice");
        var box = make("input");
        box.type = "checkbox";
        box.id = "search-" + name + "-" + index;
        box.value = value;
        var label = make("label", null, value + " ");
        label.setAttribute("for", box.id);
        var count = make("span", "count");
        label.appendChild(count);
        item.appendChild(box);
        item.appendChild(label);
        choices.appendChild(item);
        group.boxes[value] = box;
        group.labels[value] = count;
      });
      element.hidden = values.length < 2;  // nothing to choose between
      groups[name] = group;
    });
    Array.prototype.forEach.call(root.querySelectorAll("[data-range]"), function (element) {
      var name = element.getAttribute("data-range");
      var range = { element: element, years: sortValues(name, Object.keys(totals[name] || {})),
                    from: element.querySelector("select[name$='-from']"), to: element.querySelector("select[name$='-to']") };
      [range.from, range.to].forEach(function (select) {
        range.years.forEach(function (year) { select.appendChild(make("option", null, year)).value = year; });
      });
      element.hidden = range.years.length < 2;
      ranges[name] = range;
    });
  }

  function showCounts(counts, state) {
    Object.keys(groups).forEach(function (name) {
      var group = groups[name];
      var chosen = state.filters[name];
      Object.keys(group.boxes).forEach(function (value) {
        var count = (counts[name] || {})[value] || 0;
        var box = group.boxes[value];
        group.labels[value].textContent = "(" + count + ")";
        box.parentNode.hidden = !count && chosen.indexOf(value) < 0 && document.activeElement !== box;
      });
      group.element.querySelector(".search-group__chosen").textContent =
        chosen.length ? " (" + chosen.length + " chosen)" : "";
      if (chosen.length) group.element.open = true;
    });
    Object.keys(ranges).forEach(function (name) {
      Array.prototype.forEach.call(ranges[name].from.options, function (option, index) {
        if (!index) return;
        var text = option.value + " (" + ((counts[name] || {})[option.value] || 0) + ")";
        option.textContent = text;
        ranges[name].to.options[index].textContent = text;
      });
    });
  }

  // --- Changes: each is a new entry in the browser's history; back and forward show it again.

  function go(state) {
    window.history.pushState(null, "", address(state));
    return run(state);
  }

  function changed(event) {
    if (event) event.preventDefault();
    go(readControls());
  }

  function start() {
    buildChoices();
    root.hidden = false;
    form.addEventListener("submit", changed);
    root.querySelector(".search__filters").addEventListener("change", changed);
    sortField.addEventListener("change", changed);
    clear.addEventListener("click", function () {
      var state = readControls();
      Object.keys(state.filters).forEach(function (name) { state.filters[name] = []; });
      Object.keys(state.ranges).forEach(function (name) { state.ranges[name] = { from: "", to: "" }; });
      setControls(state);
      go(state);
      input.focus();
    });
    window.addEventListener("popstate", function () {
      var state = readAddress();
      setControls(state);
      run(state);
    });
    var state = readAddress();
    setControls(state);
    return run(state);
  }

  var bundle = root.getAttribute("data-bundle");
  var paths = [bundle].concat((root.getAttribute("data-merge") || "").split(" ").filter(Boolean));
  import(bundle + "pagefind.js").then(function (pagefind) {
    index = window.DhrSearchShards(pagefind, paths, RANKING);
    return index.ready;
  }).then(function (all) {
    totals = all;
    return start();
  }).catch(function (error) {
    if (window.console) window.console.error(error);
    root.hidden = false;
    status.textContent = "The search could not be loaded. Please reload the page, or browse all reviews instead.";
  });
})();
