// Objectives on the dashboard (SPEC 6.2): an error-budget bar per flow with an objective on
// the overview, and on a flow's page its availability history, an hour per bar over the
// last 24 h, 7 d or 30 d. Plain JavaScript over GET /api/v1/slos and
// /api/v1/slos/{flow}/history; it polls on its own and draws into #slos and #flow-slo, so
// app.js needs nothing from it. Colour is never the only cue: every bar has its numbers in
// words (and in its tooltip).
"use strict";

(function () {
  const POLL_MS = 5000;
  const RANGES = { "24h": 24, "7d": 168, "30d": 720 };
  let range = "24h";

  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === undefined || v === null || v === false) continue;
      if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
      else e.setAttribute(k, v);
    }
    for (const c of children.flat()) {
      if (c === undefined || c === null || c === false) continue;
      e.append(c instanceof Node ? c : document.createTextNode(String(c)));
    }
    return e;
  }
  function svg(tag, attrs, ...children) {
    const e = document.createElementNS("http://www.w3.org/2000/svg", tag);
    for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
    for (const c of children) e.append(c instanceof Node ? c : document.createTextNode(String(c)));
    return e;
  }
  const pct = (x, digits) => (x * 100).toFixed(digits === undefined ? 2 : digits) + "%";
  const rate = x => (Math.round(x * 10) / 10) + "×";

  function flowId() {
    const m = location.hash.match(/^#\/flows\/([^/]+)/);
    return m ? decodeURIComponent(m[1]) : null;
  }

  // What is left of the budget, as a bar and in words.
  function budget(s) {
    const left = s.error_budget_remaining;
    const state = left <= 0 ? "red" : s.firing.length ? "yellow" : "green";
    const width = Math.max(0, Math.min(1, left));
    const rates = Object.entries(s.burn_rates).map(([w, r]) => `${w} ${rate(r)}`).join(" · ");
    return el("div", { class: "slo-budget", "data-slo": s.flow, "data-state": state },
      el("div", { class: "muted" },
        `${s.target_text} over ${s.window}: ${left <= 0 ? "budget spent" : pct(left, 1) + " of the budget left"}`,
        s.firing.length ? ` · burning: ${s.firing.join(", ")}` : ""),
      el("div", { class: "slo-track", role: "img", "aria-label": pct(width, 1) + " of the error budget left",
        style: "background:#ddd;height:8px;border-radius:4px;overflow:hidden" },
        el("div", { class: "slo-fill state-" + state,
          style: `width:${(width * 100).toFixed(1)}%;height:100%;background:var(--${state},${state === "green" ? "#2e7d32" : state === "yellow" ? "#f9a825" : "#c62828"})` })),
      el("div", { class: "muted" }, "burn rate " + rates));
  }

  function renderOverview(slos) {
    const box = document.getElementById("slos");
    if (!box) return;
    box.replaceChildren(...(slos.length ? slos.map(s => el("article", { class: "card" },
      el("header", {}, el("a", { href: "#/flows/" + encodeURIComponent(s.flow), class: "name" }, s.name || s.flow)),
      budget(s))) : [el("p", { class: "muted" }, "No flow has an objective.")]));
  }

  // An hour per bar: its height is the hour's availability (from the target's budget down
  // to 100 %), grey where nothing was measured.
  function bars(history) {
    const n = history.bars.length;
    const w = 720, h = 60, bw = w / n;
    const floor = Math.max(0, 1 - 10 * (1 - history.target));
    const chart = svg("svg", { viewBox: `0 0 ${w} ${h}`, width: "100%", height: h, class: "slo-history",
      role: "img", "aria-label": "availability per hour" });
    history.bars.forEach((b, i) => {
      const a = b.availability;
      const colour = a === null ? "#bbb" : a >= history.target ? "#2e7d32" : a >= floor ? "#f9a825" : "#c62828";
      const height = a === null ? h : Math.max(2, h * (a - floor) / (1 - floor));
      const text = `${new Date(b.start).toLocaleString()}: ` + (a === null ? "nothing measured"
        : `${pct(a, 3)} available (${b.bad_seconds.toFixed(0)} s red of ${b.measured_seconds.toFixed(0)} s)`);
      chart.append(svg("rect", { x: i * bw, y: h - Math.min(h, height), width: Math.max(1, bw - 1),
        height: Math.min(h, height), fill: colour, "data-availability": a === null ? "" : a }, svg("title", {}, text)));
    });
    return chart;
  }

  async function renderFlow(slos) {
    const box = document.getElementById("flow-slo");
    if (!box) return;
    const id = flowId();
    const s = id && slos.find(x => x.flow === id);
    if (!s) { box.hidden = true; box.replaceChildren(); return; }
    const resp = await fetch(`api/v1/slos/${encodeURIComponent(id)}/history?hours=${RANGES[range]}`,
      { cache: "no-store" });
    if (!resp.ok) return;
    const history = await resp.json();
    const measured = history.bars.filter(b => b.availability !== null);
    const bad = measured.reduce((t, b) => t + b.bad_seconds, 0);
    const all = measured.reduce((t, b) => t + b.measured_seconds, 0);
    box.hidden = false;
    box.replaceChildren(
      el("h3", {}, "Objective and availability"),
      budget(s),
      el("p", {}, Object.keys(RANGES).map(r => el("button", { type: "button", "data-range": r,
        "aria-pressed": String(r === range), onclick: () => { range = r; refresh(); } }, r))),
      bars(history),
      el("p", { class: "muted" }, all > 0
        ? `Last ${range}: ${pct(1 - bad / all, 3)} available (${bad.toFixed(0)} s red of ${(all / 3600).toFixed(1)} h measured); an hour per bar.`
        : `Nothing measured in the last ${range}.`),
      s.rto ? el("p", {}, `RTO ${s.rto}: an incident that lasts longer pages as critical.`) : null);
  }

  async function refresh() {
    try {
      const resp = await fetch("api/v1/slos", { cache: "no-store" });
      if (!resp.ok) return;
      const slos = (await resp.json()).slos;
      renderOverview(slos);
      await renderFlow(slos);
    } catch (e) {
      // app.js reports the connection; nothing to add.
    }
  }

  window.addEventListener("hashchange", refresh);
  refresh();
  setInterval(refresh, POLL_MS);
})();
