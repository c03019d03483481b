// The review page's script. Document text only ever reaches the DOM through textContent and
// attributes set with setAttribute/title: never innerHTML. State lives in the address's
// fragment (#lang=it&sort=score&doc=12), so every view is a link and the tests drive it so.
(function () {
  "use strict";
  const DATA = JSON.parse(document.getElementById("review-index").textContent);
  const FLAGS = DATA.flags;
  const REASONS = DATA.reasons;
  const CHARTS = DATA.charts;
  const PAGE = 200;
  const DOCS = DATA.docs.map((a) => ({
    ord: a[0], id: a[1], lang: a[2], status: a[3], title: a[4], sentences: a[5],
    minScore: a[6], meanScore: a[7], removed: a[8], reasons: a[9], flags: a[10],
    srcLen: a[11], enLen: a[12], bins: a[13],
  }));
  const BY_ORD = new Map(DOCS.map((d) => [d.ord, d]));
  const FILTER_KEYS = ["lang", "status", "reason", "flag", "q", "sort", "chart", "bin"];
  const $ = (id) => document.getElementById(id);

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function readState() {
    const params = new URLSearchParams(location.hash.slice(1));
    const state = {};
    for (const key of FILTER_KEYS) state[key] = params.get(key) || "";
    state.sort = state.sort || "order";
    state.doc = params.get("doc");
    state.shown = Math.max(PAGE, parseInt(params.get("n"), 10) || PAGE);
    return state;
  }

  function hashOf(state, extra) {
    const params = new URLSearchParams();
    for (const key of FILTER_KEYS) {
      if (state[key] && !(key === "sort" && state[key] === "order")) params.set(key, state[key]);
    }
    for (const [key, value] of Object.entries(extra || {})) {
      if (value !== null && value !== undefined && value !== "") params.set(key, value);
    }
    return "#" + params.toString();
  }

  function go(hash, replace) {
    if (replace) {
      history.replaceState(null, "", hash);
      render();
    } else if (location.hash === hash) {
      render();
    } else {
      location.hash = hash; // hashchange renders
    }
  }

  // ---- search: plain text for id and title, JSON-escaped text for the embedded body ----
  const haystacks = new Map();
  function haystack(doc) {
    let text = haystacks.get(doc.ord);
    if (text === undefined) {
      const block = $("d" + doc.ord);
      text = (block ? block.textContent : "").toLowerCase();
      haystacks.set(doc.ord, text);
    }
    return text;
  }
  function searcher(query) {
    const plain = query.toLowerCase();
    const escaped = JSON.stringify(plain).slice(1, -1).replace(/</g, "\\u003c");
    return (doc) =>
      doc.id.toLowerCase().includes(plain) ||
      (doc.title || "").toLowerCase().includes(plain) ||
      haystack(doc).includes(escaped);
  }

  function filterOf(state) {
    const reason = state.reason ? REASONS.indexOf(state.reason) : null;
    const flag = state.flag ? FLAGS.indexOf(state.flag) : null;
    const chart = state.chart ? CHARTS.findIndex((c) => c.name === state.chart) : null;
    const bin = parseInt(state.bin, 10) || 0;
    const search = state.q ? searcher(state.q) : null;
    return (doc) =>
      (!state.lang || doc.lang === state.lang) &&
      (!state.status || doc.status === state.status) &&
      (reason === null || doc.reasons.includes(reason)) &&
      (flag === null || doc.flags.includes(flag)) &&
      (chart === null || (chart >= 0 && ((doc.bins[chart] >> bin) & 1) === 1)) &&
      (!search || search(doc));
  }

  const nullsLast = (a, b) => (a === null) - (b === null) || (a === null ? 0 : a - b);
  const SORTS = {
    order: (a, b) => a.ord - b.ord,
    score: (a, b) => nullsLast(a.meanScore, b.meanScore) || a.ord - b.ord,
    min_score: (a, b) => nullsLast(a.minScore, b.minScore) || a.ord - b.ord,
    removed: (a, b) => b.removed - a.removed || a.ord - b.ord,
    flags: (a, b) => b.flags.length - a.flags.length || a.ord - b.ord,
  };

  let cached = { key: null, list: null };
  function selection(state) {
    const key = hashOf(state);
    if (cached.key !== key) {
      const list = DOCS.filter(filterOf(state));
      list.sort(SORTS[state.sort] || SORTS.order);
      cached = { key: key, list: list };
    }
    return cached.list;
  }

  // ---- filters form ----
  const form = $("filters");
  function fillSelect(name, label, values) {
    const select = form.elements[name];
    const counts = new Map();
    for (const value of values) counts.set(value, (counts.get(value) || 0) + 1);
    select.append(new Option(label + " (" + DOCS.length + ")", ""));
    for (const [value, count] of [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))) {
      select.append(new Option(value + " (" + count + ")", value));
    }
  }
  fillSelect("lang", "all", DOCS.map((d) => d.lang));
  fillSelect("status", "all", DOCS.map((d) => d.status));
  fillSelect("reason", "any", DOCS.flatMap((d) => d.reasons.map((i) => REASONS[i])));
  fillSelect("flag", "any", DOCS.flatMap((d) => d.flags.map((i) => FLAGS[i])));
  form.hidden = false;

  function syncForm(state) {
    for (const key of ["lang", "status", "reason", "flag", "sort"]) {
      const select = form.elements[key];
      if (state[key] && ![...select.options].some((o) => o.value === state[key])) {
        select.append(new Option(state[key] + " (0)", state[key]));
      }
      select.value = state[key];
    }
    if (document.activeElement !== form.elements.q) form.elements.q.value = state.q;
  }

  function formState() {
    const state = readState();
    for (const key of ["lang", "status", "reason", "flag", "sort", "q"]) {
      state[key] = form.elements[key].value;
    }
    return state;
  }
  form.addEventListener("change", (event) => {
    if (event.target.name !== "q") go(hashOf(formState()), false);
  });
  let typing = null;
  form.elements.q.addEventListener("input", () => {
    clearTimeout(typing);
    typing = setTimeout(() => go(hashOf(formState()), true), 250);
  });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    go(hashOf(formState()), true);
  });
  $("reset").addEventListener("click", () => go("#", false));
  $("more").addEventListener("click", () => {
    const state = readState();
    go(hashOf(state, { n: state.shown + PAGE }), true);
  });

  // ---- the list ----
  function fmtScore(value) {
    return value === null ? "—" : value.toFixed(2);
  }
  function flagChips(cell, flagIds) {
    for (const id of flagIds) {
      const name = FLAGS[id];
      cell.append(el("span", "flag " + name, name.replace(/_/g, " ")), " ");
    }
  }

  function renderList(state, list) {
    const chartNote = $("chart-filter");
    chartNote.replaceChildren();
    chartNote.hidden = !state.chart;
    if (state.chart) {
      const chart = CHARTS.find((c) => c.name === state.chart);
      const label = chart ? chart.title + ": " + (chart.labels[parseInt(state.bin, 10) || 0] || "?") : state.chart;
      const clear = el("a", null, "clear");
      clear.href = hashOf(Object.assign({}, state, { chart: "", bin: "" }));
      chartNote.append("Chart bar: ", el("strong", null, label), " ", clear);
    }
    const sampled = DATA.embedded < DATA.total;
    $("match-count").textContent =
      list.length + " of " + DOCS.length + " documents match" +
      (sampled ? " (this page embeds a sample of " + DATA.embedded + " of " + DATA.total + ")" : "");
    const body = $("doc-list").tBodies[0];
    const rows = [];
    for (const doc of list.slice(0, state.shown)) {
      const row = el("tr");
      row.dataset.ord = doc.ord;
      row.append(el("td", "num", doc.ord + 1));
      const name = el("td");
      const link = el("a", null, doc.title || doc.id);
      link.href = hashOf(state, { doc: doc.ord });
      name.append(link);
      if (doc.title) name.append(el("span", "id", doc.id));
      row.append(name, el("td", "lang", doc.lang), el("td", "status status-" + doc.status, doc.status));
      row.append(el("td", "num", doc.sentences), el("td", "num", fmtScore(doc.meanScore)));
      row.append(el("td", "num", fmtScore(doc.minScore)));
      row.append(el("td", "num removed-share", (doc.removed * 100).toFixed(1) + "%"));
      const flags = el("td", "flags");
      flagChips(flags, doc.flags);
      row.append(flags);
      rows.push(row);
    }
    body.replaceChildren(...rows);
    $("doc-list").hidden = list.length === 0;
    $("more").hidden = list.length <= state.shown;
  }

  // ---- one document ----
  function metaRow(dl, term, value) {
    if (value === null || value === undefined || value === "") return;
    dl.append(el("dt", null, term), el("dd", null, value));
  }

  function navLink(text, ord, state, rel) {
    const link = el("a", null, text);
    if (ord === null) {
      link.setAttribute("aria-disabled", "true");
    } else {
      link.href = hashOf(state, { doc: ord });
      link.rel = rel;
    }
    return link;
  }

  function removalRow(removal) {
    const [text, reason, rule] = removal;
    const row = el("tr", "removed-row");
    row.append(el("td", "n", "✂"));
    const cell = el("td");
    cell.colSpan = 4;
    const span = el("del", "removed", text);
    span.title = "removed: " + reason + (rule ? " (rule " + rule + ")" : "");
    span.dataset.reason = reason;
    cell.append(span, el("span", "reason-tag", reason));
    row.append(cell);
    return row;
  }

  function renderDoc(state, list, ord) {
    const view = $("docview");
    view.replaceChildren();
    const doc = BY_ORD.get(ord);
    const block = $("d" + ord);
    const nav = el("nav");
    nav.setAttribute("aria-label", "Document navigation");
    const back = el("a", null, "← All documents");
    back.href = hashOf(state);
    back.id = "back";
    nav.append(back);
    if (!doc || !block) {
      view.append(nav, el("p", "notice", "Document " + ord + " is not in this page."));
      return;
    }
    let at = list.indexOf(doc);
    const within = at >= 0 ? list : DOCS;
    if (at < 0) at = DOCS.indexOf(doc);
    const prev = at > 0 ? within[at - 1].ord : null;
    const next = at < within.length - 1 ? within[at + 1].ord : null;
    const prevLink = navLink("‹ Previous", prev, state, "prev");
    prevLink.id = "prev";
    const nextLink = navLink("Next ›", next, state, "next");
    nextLink.id = "next";
    nav.append(prevLink, nextLink, el("span", "position", (at + 1) + " of " + within.length +
      (within === list ? " in this selection" : " in the page")));
    view.append(nav);

    const [title, source, format, encoding, langScore, reason, translator, metadata, segments,
      removed, fallback] = JSON.parse(block.textContent);
    const heading = el("h2", null, title || doc.id);
    heading.id = "doc-title";
    heading.tabIndex = -1;
    view.append(heading);

    const dl = el("dl", "meta");
    metaRow(dl, "id", doc.id);
    if (source !== doc.id) metaRow(dl, "source", source);
    metaRow(dl, "language", doc.lang + (langScore === null ? "" : " (score " + langScore + ")"));
    metaRow(dl, "status", doc.status + (reason ? ": " + reason : ""));
    metaRow(dl, "format", format + (encoding ? ", " + encoding : ""));
    metaRow(dl, "translator", translator);
    metaRow(dl, "sentences", doc.sentences + (doc.meanScore === null ? "" :
      ", mean score " + fmtScore(doc.meanScore) + ", lowest " + fmtScore(doc.minScore)));
    metaRow(dl, "removed", removed.length + " span(s), " + (doc.removed * 100).toFixed(1) +
      "% of the text");
    metaRow(dl, "length", doc.srcLen + " source characters, " + doc.enLen + " English");
    for (const [key, value] of Object.entries(metadata || {})) {
      metaRow(dl, key, typeof value === "string" ? value : JSON.stringify(value));
    }
    view.append(dl);

    const table = el("table", "aligned");
    const cols = el("colgroup");
    for (const name of ["n", "src", "en", "score", "flags"]) cols.append(el("col", name));
    const head = el("thead");
    const headRow = el("tr");
    for (const [text, cls] of [["#", ""], ["source (" + doc.lang + ")", ""], ["English", ""],
      ["score", "num"], ["flags", ""]]) {
      const th = el("th", cls, text);
      th.scope = "col";
      headRow.append(th);
    }
    head.append(headRow);
    const body = el("tbody");
    const removals = new Map();
    for (const removal of removed) {
      const before = removal[3];
      if (!removals.has(before)) removals.set(before, []);
      removals.get(before).push(removal);
    }
    let number = 0;
    segments.forEach(([kind, segLang, rows], index) => {
      for (const removal of removals.get(index) || []) body.append(removalRow(removal));
      rows.forEach(([src, en, score, flagIds], i) => {
        number += 1;
        const row = el("tr", "pair " + kind + (i === 0 ? " seg-start" : ""));
        row.dataset.segment = index;
        const n = el("td", "n", number);
        const srcCell = el("td", "src", src);
        if (i === 0 && segLang && segLang !== doc.lang) srcCell.append(el("span", "seg-lang", segLang));
        let enCell;
        if (en === 0) {
          enCell = el("td", "en same", src);
          enCell.title = "English original: the same as the source";
        } else if (en === null) {
          enCell = el("td", "en none", "not translated");
        } else {
          enCell = el("td", "en", en);
        }
        const scoreCell = el("td", "num score", fmtScore(score === undefined ? null : score));
        const flags = el("td", "flags");
        if (flagIds && flagIds.length) {
          row.classList.add("flagged");
          flagChips(flags, flagIds);
        }
        row.append(n, srcCell, enCell, scoreCell, flags);
        body.append(row);
      });
    });
    for (const [before, list] of removals) {
      if (before >= segments.length) for (const removal of list) body.append(removalRow(removal));
    }
    table.append(cols, head, body);
    if (fallback) view.append(el("pre", "fallback", fallback));
    view.append(table);
  }

  // ---- dispatch ----
  let lastDoc = null;
  function render() {
    const state = readState();
    syncForm(state);
    const list = selection(state);
    const showing = state.doc !== null && state.doc !== "";
    $("overview").hidden = showing;
    $("documents").hidden = showing;
    $("docview").hidden = !showing;
    if (showing) {
      renderDoc(state, list, parseInt(state.doc, 10));
      window.scrollTo(0, 0);
      const heading = $("doc-title");
      if (heading) heading.focus({ preventScroll: true });
      lastDoc = parseInt(state.doc, 10);
    } else {
      renderList(state, list);
      if (lastDoc !== null) {
        const row = document.querySelector('#doc-list tr[data-ord="' + lastDoc + '"] a');
        if (row) {
          row.focus();
        }
        lastDoc = null;
      }
    }
    document.body.dataset.view = showing ? "document" : "list";
    document.body.dataset.shown = location.hash; // what the view now shows (for tests)
    document.body.dataset.ready = Math.round(performance.now());
  }

  // overview links (tables, chart bars) filter the list: bring the list into view
  $("overview").addEventListener("click", (event) => {
    const link = event.target.closest("a");
    if (link && (link.getAttribute("href") || "").startsWith("#")) {
      setTimeout(() => $("documents").scrollIntoView(), 0);
    }
  });

  document.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    const typingInField = /^(INPUT|SELECT|TEXTAREA)$/.test(event.target.tagName);
    const inDoc = !$("docview").hidden;
    if (event.key === "Escape") {
      if (inDoc) $("back").click();
      else if (typingInField) event.target.blur();
      return;
    }
    if (typingInField) return;
    if (event.key === "/") {
      event.preventDefault();
      if (inDoc) $("back").click();
      form.elements.q.focus();
    } else if (inDoc && (event.key === "j" || event.key === "ArrowRight")) {
      const next = $("next");
      if (next.href) next.click();
    } else if (inDoc && (event.key === "k" || event.key === "ArrowLeft")) {
      const prev = $("prev");
      if (prev.href) prev.click();
    } else if (!inDoc && (event.key === "j" || event.key === "k")) {
      const links = [...document.querySelectorAll("#doc-list tbody a")];
      if (!links.length) return;
      const at = links.indexOf(document.activeElement);
      const to = event.key === "j" ? Math.min(at + 1, links.length - 1) : Math.max(at - 1, 0);
      links[to].focus();
    }
  });

  window.addEventListener("hashchange", render);
  window.addEventListener("load", () => {
    document.body.dataset.loaded = Math.round(performance.now()); // read by bench/review.py
  });
  render();
  // a link to a filtered list (#lang=it) opens on the list, not on the overview above it
  const first = readState();
  if (!first.doc && FILTER_KEYS.some((key) => key !== "sort" && first[key])) {
    $("documents").scrollIntoView();
  }
})();
