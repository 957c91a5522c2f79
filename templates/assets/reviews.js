// A list of reviews (all of them, or a theme's, a partnership's, a region's or a year's): sort and
// filter in the browser, keeping the choices in the address so a view can be shared and survives a
// reload. Without JavaScript the page is a plain, paginated list.
(function () {
  "use strict";
  var form = document.getElementById("list-controls");
  if (!form || !window.fetch || !window.URLSearchParams) return;
  var status = document.getElementById("list-status");
  var results = document.getElementById("list-results");
  var staticList = document.getElementById("list-static");
  var intro = document.getElementById("list-intro");  // "1-100 of 647 published reviews, newest first"
  var introText = intro ? intro.textContent : "";
  var fields = Array.prototype.slice.call(form.querySelectorAll("select"));
  var SHOWN = 200;
  var reviews = null;
  var fixed = form.getAttribute("data-fixed");  // a group's page: the filter its group is
  var fixedValue = form.getAttribute("data-value");
  var FIELDS = {  // each filter, and the value of a review it compares
    theme: null,
    partnership: function (r) { return r.csp; },
    region: function (r) { return r.region; },
    county: function (r) { return r.county; },
    year: function (r) { return r.year ? String(r.year) : null; },  // null: publication date not recorded
    death: function (r) { return r.death ? r.death.slice(0, 4) : null; },
    outcome: function (r) { return r.outcome; }
  };

  function state() {
    var chosen = {};
    fields.forEach(function (field) { chosen[field.name] = field.value; });
    return chosen;
  }

  function isDefault(chosen) {
    return fields.every(function (field) { return chosen[field.name] === field.options[0].value; });
  }

  function has(review, name, value) {
    if (!value) return true;
    if (name === "theme") return review.themes.indexOf(value) >= 0;
    return FIELDS[name] ? FIELDS[name](review) === value : true;
  }

  function matches(review, chosen) {
    if (fixed && !has(review, fixed, fixedValue)) return false;
    return Object.keys(FIELDS).every(function (name) { return has(review, name, chosen[name]); });
  }

  function compare(x, y) { return x < y ? -1 : x > y ? 1 : 0; }
  // A review whose publication date (or date of death) is not recorded comes last either way; `date` is then
  // its latest letter's.
  var orders = {
    date: function (a, b) {
      return compare(!a.year, !b.year) || compare(b.date, a.date) || a.title.localeCompare(b.title);
    },
    "date-asc": function (a, b) {
      return compare(!a.year, !b.year) || compare(a.date, b.date) || a.title.localeCompare(b.title);
    },
    death: function (a, b) { return compare(b.death || "", a.death || "") || orders.date(a, b); },
    "death-asc": function (a, b) {
      return compare(!a.death, !b.death) || compare(a.death || "", b.death || "") || orders.date(a, b);
    },
    title: function (a, b) { return a.title.localeCompare(b.title, "en-GB", { numeric: true }); }
  };

  function item(review) {
    var li = document.createElement("li");
    var link = document.createElement("a");
    link.className = "review-list__title";
    link.href = review.url;
    link.textContent = review.title;
    li.appendChild(link);
    [review.csp + (review.region ? " (" + review.region + ")" : ""), review.dates, "QA Panel: " + review.outcome]
      .forEach(function (text) {
        var meta = document.createElement("span");
        meta.className = "review-list__meta";
        meta.textContent = text;
        li.appendChild(meta);
      });
    if (review.themes.length) {
      var themes = document.createElement("span");
      themes.className = "review-list__themes";
      themes.textContent = "Themes: " + review.themes.join(", ");
      li.appendChild(themes);
    }
    return li;
  }

  function render(limit) {
    var chosen = state();
    var address = new URLSearchParams();
    fields.forEach(function (field) {
      if (field.value !== field.options[0].value) address.set(field.name, field.value);
    });
    var query = address.toString();
    history.replaceState(null, "", window.location.pathname + (query ? "?" + query : ""));
    if (isDefault(chosen)) {
      results.hidden = true;
      staticList.hidden = false;
      status.textContent = "";
      if (intro) intro.textContent = introText;
      return;
    }
    var found = reviews.filter(function (r) { return matches(r, chosen); }).sort(orders[chosen.sort] || orders.date);
    var list = document.createElement("ul");
    list.className = "review-list";
    found.slice(0, limit).forEach(function (review) { list.appendChild(item(review)); });
    results.textContent = "";
    results.appendChild(list);
    if (found.length > limit) {
      var more = document.createElement("button");
      more.type = "button";
      more.className = "button-secondary";
      more.textContent = "Show more reviews";
      more.addEventListener("click", function () { render(limit + SHOWN); });
      results.appendChild(more);
    }
    results.hidden = false;
    staticList.hidden = true;
    status.textContent = found.length === 1 ? "1 review matches" : found.length + " reviews match";
    if (intro) intro.textContent = describe(found, Math.min(found.length, limit));
  }

  // The intro line for what is shown: "1-200 of 325 reviews that match the filters, sorted by date of death,
  // newest first", as the page's own says it without them.
  function describe(found, shown) {
    var filtered = fields.some(function (field) {
      return field.name !== "sort" && field.value !== field.options[0].value;
    });
    var sort = document.getElementById("list-sort");
    var undated = sort.value.indexOf("date") === 0 && found.some(function (r) { return !r.year; });
    var dated = found.some(function (r) { return r.year; });
    return (shown < found.length ? "1\u2013" + shown + " of " + found.length : String(found.length)) +
      (found.length === 1 ? " review" : " reviews") + (filtered ? (found.length === 1 ? " that matches" : " that match") + " the filters" : "") +
      ", sorted by " + sort.options[sort.selectedIndex].getAttribute("data-said") +
      (undated ? (dated ? "; those whose publication date is not recorded come last" :
        " (none has its publication date recorded: the panel's latest letter dates them)") : "") + ".";
  }

  function load() {
    if (reviews) return Promise.resolve();
    return fetch("/reviews/list.json").then(function (response) { return response.json(); })
      .then(function (data) { reviews = data.reviews; });
  }

  var params = new URLSearchParams(window.location.search);
  fields.forEach(function (field) {
    var wanted = params.get(field.name);
    if (wanted !== null && Array.prototype.some.call(field.options, function (o) { return o.value === wanted; })) {
      field.value = wanted;
    }
    field.addEventListener("change", function () { load().then(function () { render(SHOWN); }); });
  });
  form.addEventListener("submit", function (event) { event.preventDefault(); });
  form.hidden = false;
  if (!isDefault(state())) load().then(function () { render(SHOWN); });
})();
