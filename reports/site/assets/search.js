// gazette's offline search. The index is a set of static script files under search/
// (see src/render/search.rs): they are loaded with <script> elements, not the Fetch API, so
// search works from file:// too. A query loads the manifest, the term shards of its
// words (of a common word's shard in parts, the parts up to the results it shows), and
// the document chunks of the results it shows; nothing else.
// Results are built with DOM nodes and textContent only: corpus text never becomes markup.
(function () {
  "use strict";

  var BASE = "search/";
  var PAGE_GROUPS = 20;
  var MAX_HITS_PER_GROUP = 5;
  var loaded = {};
  var loading = {};

  window.gazetteSearch = {
    manifest: function (m) { loaded.manifest = m; },
    shard: function (key, terms) { loaded["t:" + key] = terms; },
    docs: function (n, docs) { loaded["d:" + n] = docs; }
  };

  function load(name, src) {
    if (loaded[name] !== undefined) { return Promise.resolve(loaded[name]); }
    if (loading[name]) { return loading[name]; }
    loading[name] = new Promise(function (resolve, reject) {
      var s = document.createElement("script");
      s.src = src;
      s.async = true;
      s.onload = function () {
        if (loaded[name] !== undefined) { resolve(loaded[name]); }
        else { reject(new Error(src + " did not load")); }
      };
      s.onerror = function () { reject(new Error(src + " is missing")); };
      document.head.appendChild(s);
    });
    return loading[name];
  }

  // The tokenizer of src/render/search.rs: lowercase runs of letters and digits (two
  // characters or more, minus stop words); CJK runs as character pairs (the index also
  // holds each run's last character alone, so that one character finds it anywhere).
  var ALNUM = /[\p{Alphabetic}\p{N}]/u;
  function isCjk(cp) {
    return (cp >= 0x3040 && cp <= 0x30ff) || (cp >= 0x3400 && cp <= 0x4dbf) ||
      (cp >= 0x4e00 && cp <= 0x9fff) || (cp >= 0xac00 && cp <= 0xd7af) ||
      (cp >= 0xf900 && cp <= 0xfaff) || (cp >= 0x20000 && cp <= 0x2fa1f);
  }
  function tokens(text, stop) {
    var out = [], word = "", cjk = [];
    function flushWord() {
      if (Array.from(word).length >= 2 && stop.indexOf(word) < 0) { out.push(word); }
      word = "";
    }
    function flushCjk() {
      if (cjk.length === 1) { out.push(cjk[0]); }
      for (var i = 0; i + 1 < cjk.length; i++) { out.push(cjk[i] + cjk[i + 1]); }
      cjk = [];
    }
    for (var ch of text) {
      var cp = ch.codePointAt(0);
      if (isCjk(cp)) { flushWord(); cjk.push(ch); }
      else if (ALNUM.test(ch)) { flushCjk(); word += ch.toLowerCase(); }
      else { flushWord(); flushCjk(); }
    }
    flushWord(); flushCjk();
    return out;
  }

  function keyFileName(key) {
    if (key === "") { return "_"; }
    var out = "";
    for (var ch of key) {
      if (/[a-z0-9]/.test(ch)) { out += ch; }
      else { out += "-" + ch.codePointAt(0).toString(16) + "-"; }
    }
    return out;
  }

  function decode(deltas) {
    var out = new Array(deltas.length), acc = 0;
    for (var i = 0; i < deltas.length; i++) { acc += deltas[i]; out[i] = acc; }
    return out;
  }

  // Where a query word's documents are: the shards whose key is a prefix of it or
  // starts with it. A shard in n parts (a common word's) holds groups i × width to
  // (i + 1) × width in part i; its parts are read in order, as far as the results shown
  // need them.
  function sourcesOf(manifest, word) {
    var parts = manifest.parts || {};
    return manifest.shards.filter(function (k) {
      return word.indexOf(k) === 0 || k.indexOf(word) === 0;
    }).map(function (k) {
      var n = Object.prototype.hasOwnProperty.call(parts, k) ? parts[k] : 0;
      return { key: k, n: n, width: n ? Math.max(1, Math.ceil(manifest.groups / n)) : 0, docs: {} };
    });
  }

  // The part of a source that holds group g (null for a shard of one file).
  function partAt(src, g) {
    return src.n ? Math.min(Math.floor(g / src.width), src.n - 1) : null;
  }

  // The documents of a word in one file of a source (ascending), decoded once.
  function sourceDocs(src, part, word) {
    var name = part === null ? src.key : src.key + "." + part;
    var slot = part === null ? "all" : part;
    if (src.docs[slot]) { return Promise.resolve(src.docs[slot]); }
    return load("t:" + name, BASE + "terms/" + keyFileName(src.key) + (part === null ? "" : "." + part) + ".js")
      .then(function (terms) {
        var out = [];
        Object.keys(terms).forEach(function (term) {
          if (term.indexOf(word) === 0) {
            var docs = decode(terms[term]);
            for (var i = 0; i < docs.length; i++) { out.push(docs[i]); }
          }
        });
        out.sort(function (a, b) { return a - b; });
        src.docs[slot] = out;
        return out;
      });
  }

  function lowerBound(sorted, x) {
    var lo = 0, hi = sorted.length;
    while (lo < hi) {
      var mid = (lo + hi) >> 1;
      if (sorted[mid] < x) { lo = mid + 1; } else { hi = mid; }
    }
    return lo;
  }

  // Reads the index from group state.next to the nearest end of a part that a word
  // needs, and adds the results among those groups (in group order).
  function step(state) {
    var from = state.next, to = Infinity, jobs = [];
    state.sources.forEach(function (sources, w) {
      sources.forEach(function (src) {
        var part = partAt(src, from);
        if (part !== null && part + 1 < src.n) { to = Math.min(to, (part + 1) * src.width); }
        jobs.push({ word: w, src: src, part: part });
      });
    });
    return Promise.all(jobs.map(function (j) {
      return sourceDocs(j.src, j.part, state.words[j.word]);
    })).then(function (lists) {
      var stride = state.manifest.stride;
      var lo = from * stride, hi = to === Infinity ? Infinity : to * stride;
      var sets = state.words.map(function () { return new Set(); });
      lists.forEach(function (docs, n) {
        var set = sets[jobs[n].word];
        for (var i = lowerBound(docs, lo); i < docs.length && docs[i] < hi; i++) { set.add(docs[i]); }
      });
      sets.sort(function (a, b) { return a.size - b.size; });
      var hits = Array.from(sets[0]).filter(function (d) {
        return sets.every(function (s) { return s.has(d); });
      }).sort(function (a, b) { return a - b; });
      hits.forEach(function (d) {
        var g = Math.floor(d / stride);
        var last = state.groups[state.groups.length - 1];
        if (!last || last.id !== g) { last = { id: g, hits: [] }; state.groups.push(last); }
        last.hits.push(d % stride);
      });
      state.nHits += hits.length;
      state.next = to;
      // A word none of whose shards is in parts is known in full after one step: the
      // next step can start at its next document's group.
      state.sources.forEach(function (sources, w) {
        if (to === Infinity || sources.some(function (src) { return src.n; })) { return; }
        var next = Infinity;
        sources.forEach(function (src) {
          var docs = src.docs.all, i = lowerBound(docs, hi);
          if (i < docs.length) { next = Math.min(next, Math.floor(docs[i] / stride)); }
        });
        state.next = Math.max(state.next, next);
      });
      state.done = state.next === Infinity;
    });
  }

  // Steps until the results hold one group past the next page, or the index ends (or a
  // newer search has started).
  function fill(state, ui) {
    if (state.done || state.groups.length > state.shown + PAGE_GROUPS || state.id !== ui.runs) {
      return Promise.resolve();
    }
    return step(state).then(function () { return fill(state, ui); });
  }

  function chunkSrc(n) { return BASE + "docs/" + Math.floor(n / 1000) + "/" + n + ".js"; }

  // The documents of the given groups, once their docs files are loaded.
  function groupDocs(manifest, groupIds) {
    var chunks = Array.from(new Set(groupIds.map(function (g) { return Math.floor(g / manifest.chunk); })));
    return Promise.all(chunks.map(function (n) { return load("d:" + n, chunkSrc(n)); }))
      .then(function () {
        var out = {};
        groupIds.forEach(function (g) {
          var chunk = loaded["d:" + Math.floor(g / manifest.chunk)];
          out[g] = (chunk && chunk[g % manifest.chunk]) || [];
        });
        return out;
      });
  }

  // Text with the words that start with a query word marked.
  function highlighted(text, words) {
    var frag = document.createDocumentFragment();
    var re = /[\p{Alphabetic}\p{N}]+|[^\p{Alphabetic}\p{N}]+/gu;
    var m, plain = "";
    while ((m = re.exec(text)) !== null) {
      var part = m[0], lower = part.toLowerCase();
      var hit = ALNUM.test(part[0]) && words.some(function (w) { return lower.indexOf(w) === 0; });
      if (hit) {
        if (plain) { frag.appendChild(document.createTextNode(plain)); plain = ""; }
        var mark = document.createElement("mark");
        mark.textContent = part;
        frag.appendChild(mark);
      } else { plain += part; }
    }
    if (plain) { frag.appendChild(document.createTextNode(plain)); }
    return frag;
  }

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) { e.className = cls; }
    if (text !== undefined) { e.textContent = text; }
    return e;
  }

  function hasCjk(s) {
    for (var ch of s) { if (isCjk(ch.codePointAt(0))) { return true; } }
    return false;
  }

  // One search: the matching documents grouped by their group (an entity; an article
  // and its claims), in the site's order; groups are shown a page at a time.
  // One search. A search started after it makes it stale: reading a common word's parts
  // takes a while, and a stale search must not add its results to the newer one's.
  function run(query, ui) {
    var id = ui.runs = (ui.runs || 0) + 1;
    ui.state = null;
    ui.list.textContent = "";
    ui.more.hidden = true;
    ui.list.removeAttribute("data-state");
    return load("manifest", BASE + "manifest.js").then(function (manifest) {
      if (id !== ui.runs) { return; }
      var words = Array.from(new Set(tokens(query, manifest.stop)));
      if (!words.length) {
        ui.status.textContent = query.trim()
          ? "Nothing to search for: words of one letter and common words (" +
            manifest.stop.slice(0, 4).join(", ") + "…) are not indexed."
          : "";
        ui.list.setAttribute("data-state", "done");
        return;
      }
      ui.status.textContent = "Searching…";
      var state = {
        id: id, manifest: manifest, query: query, words: words, groups: [], nHits: 0, shown: 0,
        sources: words.map(function (w) { return sourcesOf(manifest, w); }), next: 0, done: false
      };
      // A word that no shard could hold matches nothing, and so does the query.
      if (state.sources.some(function (s) { return !s.length; })) { state.done = true; }
      ui.state = state;
      return showMore(state, ui);
    }).catch(function (err) { if (id === ui.runs) { failed(ui, err); } });
  }

  function failed(ui, err) {
    ui.status.textContent = "The search index could not be loaded (" + err.message + ").";
    ui.list.setAttribute("data-state", "error");
  }

  // Shows the next page of results, reading as much of the index as it needs first.
  // Until the index is read to its end the count is a lower bound.
  function showMore(state, ui) {
    return fill(state, ui).then(function () {
      var next = state.groups.slice(state.shown, state.shown + PAGE_GROUPS);
      return groupDocs(state.manifest, next.map(function (g) { return g.id; })).then(function (docs) {
        if (state.id !== ui.runs) { return; }
        next.forEach(function (g) { ui.list.appendChild(resultItem(g, docs[g.id], state.words)); });
        state.shown += next.length;
        var n = state.groups.length, q = state.query.trim();
        ui.status.textContent = !n
          ? "Nothing matches “" + q + "”."
          : state.done
            ? (n === 1 ? "1 result" : n + " results") + " for “" + q + "” (" + state.nHits +
              (state.nHits === 1 ? " match" : " matches") + " in titles, claims and entities)" +
              (state.shown < n ? "; showing " + state.shown + "." : ".")
            : "More than " + state.shown + " results for “" + q + "”; showing " + state.shown + ".";
        ui.more.hidden = state.done && state.shown >= n;
        ui.list.setAttribute("data-state", "done");
      });
    });
  }

  // A group as a result: its head (an entity, an article) as a link, and its matching
  // members (the article's claims).
  function resultItem(g, docs, words) {
    var head = docs[0] || ["", "", "", ""];
    var li = el("li", "result result-" + (head[0] === "e" ? "entity" : "article"));
    var a = el("a", "result-title");
    a.href = head[1];
    a.appendChild(highlighted(head[2], words));
    if (hasCjk(head[2])) { a.lang = "zh"; }
    li.appendChild(a);
    if (head[3]) { li.appendChild(el("span", "meta", head[3])); }
    var members = g.hits.filter(function (k) { return k > 0 && docs[k]; });
    if (members.length) {
      var ul = el("ul", "result-hits");
      members.slice(0, MAX_HITS_PER_GROUP).forEach(function (k) {
        var hit = el("li");
        var link = el("a");
        link.href = docs[k][1].charAt(0) === "#" ? head[1] + docs[k][1] : docs[k][1];
        link.appendChild(highlighted(docs[k][2], words));
        hit.appendChild(link);
        ul.appendChild(hit);
      });
      if (members.length > MAX_HITS_PER_GROUP) {
        ul.appendChild(el("li", "more-hits", "and " + (members.length - MAX_HITS_PER_GROUP) + " more"));
      }
      li.appendChild(ul);
    }
    return li;
  }

  function start() {
    var input = document.getElementById("q");
    var ui = {
      status: document.getElementById("search-status"),
      list: document.getElementById("search-results"),
      more: document.getElementById("search-more")
    };
    if (!input || !ui.status || !ui.list || !ui.more) { return; }
    var query = new URLSearchParams(window.location.search).get("q") || "";
    input.value = query;
    if (query) { run(query, ui); }
    else { ui.list.setAttribute("data-state", "done"); }
    input.form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      var q = input.value;
      try { history.replaceState(null, "", "?q=" + encodeURIComponent(q)); } catch (e) { /* file:// may refuse */ }
      run(q, ui);
    });
    ui.more.addEventListener("click", function () {
      if (!ui.state) { return; }
      ui.more.hidden = true;
      ui.list.removeAttribute("data-state");
      var state = ui.state;
      showMore(state, ui).catch(function (err) { if (state.id === ui.runs) { failed(ui, err); } });
    });
  }

  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); }
  else { start(); }
})();
