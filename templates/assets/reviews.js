// All reviews: sort and filter in the browser, keeping the choices in the address so a view
// can be shared and survives a reload. Without JavaScript the page is a plain, paginated list.
(function () {
  "use strict";
  var form = document.getElementById("list-controls");
  if (!form || !window.fetch || !window.URLSearchParams) return;
  var status = document.getElementById("list-status");
  var results = document.getElementById("list-results");
  var staticList = document.getElementById("list-static");
  var fields = Array.prototype.slice.call(form.querySelectorAll("select"));
  var SHOWN = 200;
  var reviews = null;

  function state() {
    var chosen = {};
    fields.forEach(function (field) { chosen[field.name] = field.value; });
    return chosen;
  }

  function isDefault(chosen) {
    return fields.every(function (field) { return chosen[field.name] === field.options[0].value; });
  }

  function matches(review, chosen) {
    return (!chosen.theme || review.themes.indexOf(chosen.theme) >= 0) &&
      (!chosen.year || String(review.year) === chosen.year) &&
      (!chosen.partnership || review.csp === chosen.partnership) &&
      (!chosen.outcome || review.outcome === chosen.outcome);
  }

  var orders = {
    date: function (a, b) { return b.date < a.date ? -1 : b.date > a.date ? 1 : a.title.localeCompare(b.title); },
    death: function (a, b) {
      var x = a.death || "", y = b.death || "";
      return y < x ? -1 : y > x ? 1 : orders.date(a, b);
    },
    title: function (a, b) { return a.title.localeCompare(b.title, "en-GB", { numeric: true }); }
  };

  function item(review) {
    var li = document.createElement("li");
    var link = document.createElement("a");
    link.className = "review-list__title";
    link.href = review.url;
    link.textContent = review.title;
    var meta = document.createElement("span");
    meta.className = "review-list__meta";
    meta.textContent = [review.csp, review.year, "QA Panel: " + review.outcome].join(" \u00b7 ") +
      (review.death ? " \u00b7 Death: " + review.death.slice(0, 4) : "");
    li.appendChild(link);
    li.appendChild(meta);
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
