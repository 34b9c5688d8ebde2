// "Why?" and "What if…" (SPEC 6.3): two additions to the dashboard over
// GET /api/v1/explain/{flows|components}/{id} and POST /api/v1/simulate. Loaded after
// app.js, whose helpers (el, badge, link, rootCauses, getJSON, route, ICON, POLL_MS) it
// uses; it wraps app.js's renderDetail and renderGraph, so app.js itself is unchanged.
//   - Why?: under a flow's or a component's detail, the evaluation tree behind its state:
//     what decides it (marked), each signal's last value against its thresholds, each
//     dependency's impact and contribution, group counts, and the alert's flags.
//   - What if…: a mode of the graph. Clicking a component fails it (in the state chosen);
//     the graph shows the simulated states and outlines the blast radius, and a panel
//     lists the flows that would change and who would be paged. It is a simulation, and
//     says so: the daemon's state is untouched and nothing is sent.
"use strict";

const why = { key: null, tree: null, error: null, fetchedAt: 0, loading: false };
const whatif = { on: false, failed: new Map(), as: "red", result: null, error: null, seq: 0 };

// ---- Why? ----------------------------------------------------------------------------------

function whyFlags(alert) {
  if (!alert) return null;
  const flags = ["suppressed", "held_down", "silenced", "flapping"].filter(f => alert[f]).map(f => f.replace("_", " "));
  const told = alert.receivers && alert.receivers.length ? " · told " + alert.receivers.join(", ") : "";
  return el("div", { class: "why-alert" }, `alert ${alert.status}` + (alert.severity !== "none" ? ` (${alert.severity})` : "") +
    (flags.length ? " · " + flags.join(", ") : "") + told);
}

function whyThresholds(t) {
  const parts = Object.entries(t || {}).filter(([, v]) => v !== null).map(([k, v]) => `${k} ${v}`);
  return parts.length ? " (" + parts.join(", ") + ")" : "";
}

function whySignal(s) {
  const streak = s.streak ? ` · ${s.streak.runs} of ${s.streak.of} runs toward ${s.streak.toward}` : "";
  const value = s.value !== null && s.value !== undefined ? ` · value ${s.value}` + whyThresholds(s.thresholds) : "";
  return el("li", { class: "why-signal" + (s.decides ? " decides" : ""), "data-why-signal": s.id },
    badge(s.state), " signal ", el("code", {}, s.id), ": ", s.message || "", value, streak,
    s.flapping ? ` · flapping (${Math.round(s.flapping_percent)}%)` : "",
    ` · every ${s.interval}, ${s.failures} failure(s) to turn`);
}

function whyEdge(e, what) {
  return el("li", { class: "why-edge" + (e.decides ? " decides" : ""), "data-why-edge": e.component },
    badge(e.state), ` ${what} `, link("#/components/" + encodeURIComponent(e.component), e.component),
    e.impact ? ` (${e.impact}) contributes ${e.contributes}` : "", e.decides ? el("strong", {}, " ← decides") : "",
    e.explain ? el("ul", {}, whyNode(e.explain)) : null);
}

function whyNode(n) {
  const items = [];
  for (const s of n.signals || []) items.push(whySignal(s));
  if (n.group) {
    const g = n.group;
    items.push(el("li", { class: "why-group" }, `group: ${g.green} green, ${g.yellow} yellow, ${g.red} red, ${g.unknown} unknown ` +
      `of ${g.members.length} (healthy_min ${g.healthy_min}, available_min ${g.available_min}) → ${g.rule}`));
    for (const m of g.members) items.push(whyEdge(m, "member"));
  }
  for (const d of n.dependencies || []) items.push(whyEdge(d, "depends on"));
  for (const s of n.steps || []) items.push(whyEdge(s, "step"));
  return el("li", { class: "why-node", "data-why-node": n.id },
    badge(n.state), " ", el("strong", {}, n.name || n.id), " ", el("span", { class: "muted" }, n.kind), ": ", n.reason || "",
    whyFlags(n.alert), items.length ? el("ul", {}, items) : null);
}

function whyPanel() {
  const body = why.error ? el("p", { class: "error" }, why.error)
    : why.tree ? el("ul", { class: "why-tree" }, whyNode(why.tree)) : el("p", { class: "muted" }, "loading…");
  return el("section", { id: "why", class: "why" }, el("h3", {}, "Why?"),
    el("p", { class: "muted" }, "What decides this state, down to the signals (", el("strong", {}, "← decides"), ")."), body);
}

async function loadWhy(key) {
  why.loading = true;
  try {
    const resp = await fetch("api/v1/explain/" + key, { cache: "no-store" });
    const body = await resp.json();
    if (why.key !== key) return;
    why.tree = resp.ok ? body : null;
    why.error = resp.ok ? null : body.error || `HTTP ${resp.status}`;
    why.fetchedAt = Date.now();
    const panel = document.getElementById("why");
    if (panel) panel.replaceWith(whyPanel());
  } catch (e) {
    why.error = "cannot reach greenlight (" + e.message + ")";
  } finally {
    why.loading = false;
  }
}

const renderDetailBase = renderDetail;
// eslint-disable-next-line no-global-assign
renderDetail = function () {
  renderDetailBase();
  const r = route();
  if ((r.section !== "flows" && r.section !== "components") || !r.id) return;
  const key = r.section + "/" + encodeURIComponent(r.id);
  if (why.key !== key) Object.assign(why, { key, tree: null, error: null, fetchedAt: 0 });
  if (!why.loading && Date.now() - why.fetchedAt >= POLL_MS) loadWhy(key);
  document.getElementById("view-detail").append(whyPanel());
};

// ---- What if… -------------------------------------------------------------------------------

async function simulate() {
  const seq = ++whatif.seq;
  if (whatif.failed.size === 0) { whatif.result = null; whatif.error = null; decorateGraph(); return; }
  try {
    const resp = await fetch("api/v1/simulate", { method: "POST", headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ components: Object.fromEntries(whatif.failed) }) });
    const body = await resp.json();
    if (seq !== whatif.seq) return;  // a later click's answer wins
    whatif.result = resp.ok ? body : null;
    whatif.error = resp.ok ? null : body.error || `HTTP ${resp.status}`;
  } catch (e) {
    whatif.error = "cannot reach greenlight (" + e.message + ")";
  }
  decorateGraph();
}

function whatifResult() {
  const r = whatif.result;
  if (whatif.error) return el("p", { class: "error" }, whatif.error);
  if (!r) return el("p", { class: "muted" }, "Click components on the graph to fail them.");
  const failed = [...whatif.failed].map(([id, s]) => `${id} ${s}`).join(", ");
  return el("div", {},
    el("p", {}, "If ", el("strong", {}, failed), ": overall would be ", badge(r.overall), ` (now ${r.overall_was}).`),
    el("h3", {}, "Flows that would change"),
    r.flows.length ? el("ul", {}, r.flows.map(f => el("li", { "data-sim-flow": f.id, "data-state": f.state },
      badge(f.state), ` ${f.name || f.id} (${f.criticality}, now ${f.was})`, rootCauses(f.root_causes))))
      : el("p", { class: "muted" }, "none"),
    el("h3", {}, "Would page"),
    r.notifications.length ? el("ul", {}, r.notifications.map(n => el("li", { "data-page": `${n.receiver} ${n.alert}` },
      el("strong", {}, n.receiver), ` ← ${n.alert} (${n.severity}, ${n.reason})`)))
      : el("p", { class: "muted" }, "nobody"),
    r.quiet.length ? el("p", { class: "muted" }, "Not paged: " + r.quiet.map(q => `${q.alert} (${q.why})`).join(", ")) : null);
}

function whatifBar() {
  const toggle = el("button", { id: "whatif-toggle", type: "button", "aria-pressed": String(whatif.on),
    onclick: () => { whatif.on = !whatif.on; whatif.failed.clear(); whatif.result = null; whatif.error = null; decorateGraph(); } },
    whatif.on ? "Leave What if…" : "What if…");
  if (!whatif.on) return el("div", { id: "whatif-bar", class: "whatif-bar" }, toggle);
  const select = el("select", { id: "whatif-as", "aria-label": "fail as", onchange: ev => { whatif.as = ev.target.value; } },
    ["red", "yellow", "unknown"].map(s => el("option", { value: s, selected: s === whatif.as ? "selected" : null }, s)));
  return el("div", { id: "whatif-bar", class: "whatif-bar on" }, toggle,
    el("span", { class: "whatif-banner", role: "status" },
      "SIMULATION: click components to fail them. Nothing real changes and nobody is paged."),
    el("label", {}, " fail as ", select),
    el("button", { type: "button", onclick: () => { whatif.failed.clear(); simulate(); } }, "Reset"),
    el("div", { id: "whatif-result" }, whatifResult()));
}

// Colours the drawn graph with the simulated states and outlines what would change.
function decorateGraph() {
  const view = document.getElementById("view-graph");
  const old = document.getElementById("whatif-bar");
  const bar = whatifBar();
  if (old) old.replaceWith(bar); else view.insertBefore(bar, document.getElementById("graph"));
  document.body.classList.toggle("whatif-on", whatif.on);
  const changed = new Map();
  if (whatif.on && whatif.result) {
    for (const f of whatif.result.flows) changed.set("f:" + f.id, f.state);
    for (const c of whatif.result.components) changed.set("c:" + c.id, c.state);
  }
  for (const node of document.querySelectorAll("#graph a.node")) {
    const key = (node.classList.contains("node-flow") ? "f:" : "c:") + node.dataset.node;
    const real = node.dataset.state;
    const sim = changed.get(key) || real;
    node.classList.remove("state-green", "state-yellow", "state-red", "state-unknown", "sim-changed", "sim-failed");
    node.classList.add("state-" + (whatif.on ? sim : real));
    node.classList.toggle("sim-changed", whatif.on && changed.has(key));
    node.classList.toggle("sim-failed", whatif.on && key.startsWith("c:") && whatif.failed.has(node.dataset.node));
    if (whatif.on) node.dataset.simState = sim; else delete node.dataset.simState;
    const word = node.querySelector(".state-word");
    if (word) {
      const s = whatif.on ? sim : real;
      word.textContent = `${ICON[s] || "?"} ${s}` + (whatif.on && sim !== real ? ` (now ${real})` : "") +
        (node.classList.contains("node-flow") ? " · flow" : "");
    }
  }
}

const renderGraphBase = renderGraph;
// eslint-disable-next-line no-global-assign
renderGraph = function () {
  renderGraphBase();
  decorateGraph();
};

// In What if… mode a click on a component fails it (or restores it) instead of opening it.
document.getElementById("graph").addEventListener("click", ev => {
  if (!whatif.on) return;
  const node = ev.target.closest && ev.target.closest("a.node");
  ev.preventDefault();
  if (!node || node.classList.contains("node-flow")) return;
  const id = node.dataset.node;
  if (whatif.failed.get(id) === whatif.as) whatif.failed.delete(id); else whatif.failed.set(id, whatif.as);
  simulate();
}, true);
