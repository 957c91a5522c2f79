// The search page's index (for search.js): its shards merged into the first (Pagefind's mergeIndex, which
// loads Pagefind's WebAssembly once), each marked with a filter of its own, `shard`, so that searches here
// can tell the shards apart. Two things Pagefind's merge does not do are done with it: a shard without one
// of a query's words would answer for the other words alone (noise among the results), so it is left out of
// that search; and sorted shards are merged by their sort keys, where Pagefind orders them only roughly.
(function () {
  "use strict";

  window.DhrSearchShards = function (pagefind, paths, ranking) {
    var queue = Promise.resolve();
    var names = paths.map(function (path, index) { return String(index); });

    // One call at a time: Pagefind's instances share one WebAssembly memory, and two searches at once (each
    // loading index chunks into it) can fail with "memory access out of bounds".
    function turn(task) {
      var answer = queue.then(task);
      queue = answer.catch(function () { return null; });
      return answer;
    }

    function ask(term, options) { return turn(function () { return pagefind.search(term, options); }); }

    // The filters, with only the shards in `among` (all of them when it is null).
    function within(filters, among) {
      var narrowed = {};
      Object.keys(filters || {}).forEach(function (name) { narrowed[name] = filters[name]; });
      if (among) narrowed.shard = { any: among.length ? among : [""] };
      return narrowed;
    }

    function load(result) {
      if (!result.loading) result.loading = result.data();
      return result.loading;
    }

    // Searches the shards in `among` (null: all): `results` in Pagefind's order (by score), and `filters`, the
    // count of each value among them; `listed` and sorted, `lists` holds each shard's results in order, for `sorted`.
    function search(term, options, among, listed) {
      var merged = ask(term, { filters: within(options.filters, among), sort: options.sort || {} });
      if (!listed || !options.sort || !Object.keys(options.sort).length) return merged;
      var lists = (among || names).map(function (name) {
        return ask(term, { filters: within(options.filters, [name]), sort: options.sort });
      });
      return Promise.all([merged].concat(lists)).then(function (found) {
        var answer = found[0];
        answer.lists = found.slice(1).map(function (each) { return each.results; });
        return answer;
      });
    }

    // The words no shard holds (Pagefind leaves them out of a search), and the shards that hold every other one.
    function holding(words) {
      if (words.length < 2) return Promise.resolve({ among: null, words: [] });
      return Promise.all(words.map(function (word) { return ask(word, {}); })).then(function (found) {
        var counts = found.filter(function (answer) { return answer.results.length; })
          .map(function (answer) { return (answer.filters || {}).shard || {}; });
        return {
          among: names.filter(function (name) { return counts.every(function (count) { return count[name] > 0; }); }),
          words: words.filter(function (word, index) { return !found[index].results.length; })
        };
      });
    }

    // A result's sort key, from its metadata: `order` is "1-2021-03-04" (published) or "0-…" (not recorded).
    function key(data, order) {
      var meta = data.meta || {};
      if (order === "title") return (meta.title || "").toLowerCase();
      var value = meta.order || "0-";
      return order === "oldest" ? (value.charAt(0) === "1" ? "0" : "1") + value.slice(1) : value;
    }

    // The first `count` results of sorted shards, merged by their keys: each shard's list is in order, so only
    // each one's next result is loaded to compare (a page of 20 loads about 20 more than it shows).
    function sorted(lists, order, count) {
      var heads = lists.map(function () { return 0; });
      var out = [];
      var descending = order === "date";
      function step() {
        if (out.length >= count) return Promise.resolve(out);
        var live = heads.map(function (at, index) { return at < lists[index].length ? index : -1; })
          .filter(function (index) { return index >= 0; });
        if (!live.length) return Promise.resolve(out);
        return Promise.all(live.map(function (index) { return load(lists[index][heads[index]]); })).then(function (data) {
          var best = 0;
          data.forEach(function (item, index) {
            var a = key(item, order);
            var b = key(data[best], order);
            if (descending ? a > b : a < b) best = index;
          });
          var index = live[best];
          out.push(lists[index][heads[index]]);
          heads[index] += 1;
          lists[index].slice(heads[index], heads[index] + 4).forEach(load);  // the shard's next, loading meanwhile
          return step();
        });
      }
      return step();
    }

    // Every filter's counts over the whole index, once the shards are merged.
    var ready = turn(function () {
      return pagefind.options({ ranking: ranking, mergeFilter: { shard: names[0] } }).then(function () {
        return paths.slice(1).reduce(function (done, path, index) {
          return done.then(function () {
            return pagefind.mergeIndex(path, { ranking: ranking, mergeFilter: { shard: names[index + 1] } });
          });
        }, Promise.resolve());
      }).then(function () { return pagefind.filters(); });
    });

    return { ready: ready, search: search, holding: holding, sorted: sorted, load: load };
  };
})();
