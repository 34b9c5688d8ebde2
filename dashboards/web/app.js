// The greenlight dashboard: plain JavaScript over the JSON API (docs/api.md), no
// dependencies. It polls every second, so it is at most about a second behind the daemon,
// and redraws only what the route shows. Colour is never the only cue: every state has
// its word and its icon.
"use strict";

const POLL_MS = 1000;
const ICON = { green: "✔", yellow: "▲", red: "✖", unknown: "?" };
const RANK = { red: 0, yellow: 1, unknown: 2, green: 3 };
const CRIT = { high: 0, medium: 1, low: 2 };

const data = { status: null, alerts: [], incidents: [], silences: [], actions: [], graph: null, events: [], lastSeq: 0,
  detail: null, demo: null };
const SEVERITY_STATE = { critical: "red", error: "red", warning: "yellow", info: "yellow" };

// ---- helpers ----------------------------------------------------------------------------

function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === "class") e.className = v;
    else if (k === "text") e.textContent = v;
    else if (k.startsWith("data-")) e.setAttribute(k, v);
    else if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v);
  }
  for (const c of children.flat()) {
    if (c === undefined || c === null || c === false) continue;
    e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return e;
}

function badge(state) {
  const s = state || "unknown";
  return el("span", { class: "badge state-" + s, "data-state": s }, `${ICON[s] || "?"} ${s.toUpperCase()}`);
}

function ago(iso) {
  if (!iso) return "";
  const t = Date.parse(iso);
  if (isNaN(t) || t <= 0) return "";
  let s = Math.max(0, Math.round((Date.now() - t) / 1000));
  if (s < 60) return `${s}s ago`;
  let m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${s % 60}s ago`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h}h ${m % 60}m ago`;
  return `${Math.floor(h / 24)}d ${h % 24}h ago`;
}

function since(iso) {
  const a = ago(iso);
  return a ? el("span", { class: "since", title: iso }, "since " + a) : null;
}

function link(href, text) {
  return href ? el("a", { href, target: href.startsWith("#") ? null : "_blank", rel: "noopener" }, text) : null;
}

function rootCauses(causes) {
  if (!causes || causes.length === 0) return null;
  return el("ul", { class: "causes" },
    causes.map(rc => el("li", {},
      badge(rc.state), " ",
      link("#/components/" + encodeURIComponent(rc.component), rc.component_name || rc.component),
      rc.signal ? el("code", {}, " " + rc.signal) : null,
      ": ", rc.message || "",
      rc.runbook ? el("span", {}, " · ", link(rc.runbook, "runbook")) : null,
      rc.owner ? el("span", { class: "muted" }, " · " + rc.owner) : null)));
}

// The saved API token goes with reads too: with [daemon] read_token_file every /api/ read
// needs it (the read token or the admin token).
function readHeaders() {
  const t = localStorage.getItem("greenlight-token");
  return t ? { Authorization: "Bearer " + t } : {};
}

async function getJSON(path) {
  const r = await fetch(path, { cache: "no-store", headers: readHeaders() });
  if (r.status === 401) throw new Error(`${path}: HTTP 401: enter the API token (Silences tab)`);
  if (!r.ok) throw new Error(`${path}: HTTP ${r.status}`);
  return r.json();
}

function byState(a, b) {
  return (RANK[a.state] - RANK[b.state]) || ((CRIT[a.criticality] ?? 3) - (CRIT[b.criticality] ?? 3)) ||
    String(a.name || a.id).localeCompare(String(b.name || b.id));
}

// ---- views ------------------------------------------------------------------------------

function renderOverall() {
  const st = data.status;
  if (!st) return;
  const o = st.overall_detail || { state: st.overall };
  const banner = document.getElementById("overall");
  banner.className = "banner state-" + o.state;
  banner.dataset.state = o.state;
  document.getElementById("overall-badge").replaceWith(Object.assign(badge(o.state), { id: "overall-badge" }));
  document.getElementById("overall-since").textContent = o.since ? "since " + ago(o.since) : "";
  document.getElementById("overall-reason").textContent = o.reason || "";
  const causes = document.getElementById("overall-causes");
  causes.replaceChildren(rootCauses(o.root_causes) || "");
  document.title = `${ICON[o.state] || "?"} ${o.state} · greenlight`;
}

function flowCard(f) {
  return el("article", { class: "card state-" + f.state, "data-flow-id": f.id, "data-state": f.state },
    el("header", {}, badge(f.state), " ",
      el("a", { href: "#/flows/" + encodeURIComponent(f.id), class: "name" }, f.name || f.id),
      el("span", { class: "muted" }, ` ${f.kind || ""} · ${f.criticality || ""}`)),
    el("div", { class: "reason" }, f.reason || ""),
    since(f.since),
    rootCauses(f.root_causes),
    f.runbook ? el("div", {}, link(f.runbook, "Runbook")) : null);
}

function componentCard(c) {
  return el("article", { class: "card state-" + c.state, "data-component-id": c.id, "data-state": c.state },
    el("header", {}, badge(c.state), " ",
      el("a", { href: "#/components/" + encodeURIComponent(c.id), class: "name" }, c.name || c.id),
      c.owner ? el("span", { class: "muted" }, " · " + c.owner) : null),
    el("div", { class: "reason" }, c.reason || ""),
    since(c.since),
    rootCauses(c.root_causes),
    c.runbook ? el("div", {}, link(c.runbook, "Runbook")) : null);
}

// One card per root cause: what broke, what it breaks, since when, who was told.
function incidentCard(i) {
  const state = SEVERITY_STATE[i.severity] || "unknown";
  const cause = (i.root_causes || [])[0] || {};
  const breaks = (i.flows || []).map(f => `${f.name} (${f.state}, ${f.criticality})`).join(", ");
  return el("article", { class: "card incident state-" + state, "data-incident": i.root_cause, "data-state": state },
    el("header", {}, badge(state), " ",
      el("span", { class: "name" }, (cause.component_name || cause.component || i.root_cause) +
        (i.root_causes && i.root_causes.length > 1 ? ` and ${i.root_causes.length - 1} more` : "")),
      el("span", { class: "muted" }, ` · ${i.severity}`)),
    rootCauses(i.root_causes),
    el("div", { class: "reason" }, breaks ? "Breaks " + breaks : "No flow is affected."),
    since(i.since),
    el("div", { class: "muted" }, i.told && i.told.length ? "Told: " + i.told.join(", ") : "Nobody told yet"));
}

function renderOverview() {
  const st = data.status;
  if (!st) return;
  document.getElementById("incidents").replaceChildren(...(data.incidents.length
    ? data.incidents.map(incidentCard) : [el("p", { class: "muted" }, "No incidents: nothing is paging.")]));
  const flows = [...st.flows].sort(byState);
  document.getElementById("flows").replaceChildren(...flows.map(flowCard));
  const bad = st.components.filter(c => c.state !== "green").sort(byState);
  document.getElementById("components").replaceChildren(
    ...(bad.length ? bad.map(componentCard) : [el("p", { class: "muted" }, "All components are green.")]));
}

// A heartbeat signal's schedule (SPEC 6.4): its next expected run and how late it is.
function heartbeatLine(s) {
  if (!("next_expected" in s)) return null;
  const parts = [];
  if (s.next_expected) parts.push("next expected " + new Date(s.next_expected).toLocaleString());
  if (s.late_by && s.late_by !== "0s") parts.push("late by " + s.late_by);
  parts.push(s.last_ping ? "last ping " + ago(s.last_ping) : "never pinged");
  return el("div", { class: "muted", "data-heartbeat": "" }, parts.join(" · "));
}

function signalRow(s) {
  const r = s.last_result;
  return el("tr", { "data-state": s.state },
    el("td", {}, badge(s.state)),
    el("td", {}, el("code", {}, s.id), el("div", { class: "muted" }, s.probe + " every " + s.interval)),
    el("td", {}, s.message, heartbeatLine(s)),
    el("td", {}, r ? (r.ok ? "ok" : "failed") : "not run"),
    el("td", {}, r && r.value !== null ? String(Math.round(r.value * 1000) / 1000) : ""),
    el("td", {}, r ? r.duration_ms + " ms" : ""),
    el("td", {}, r ? ago(r.time) : ""));
}

function renderDetail() {
  const view = document.getElementById("view-detail");
  const d = data.detail;
  if (!d) { view.replaceChildren(el("p", { class: "muted" }, "loading…")); return; }
  if (d.error) { view.replaceChildren(el("p", { class: "error" }, d.error)); return; }
  const isFlow = !!d.steps;
  const parts = [
    el("p", {}, link("#/", "← overview")),
    el("h2", {}, badge(d.state), " ", d.name || d.id, el("span", { class: "muted" }, isFlow ? " flow" : " component")),
    el("div", { class: "reason" }, d.reason || ""), since(d.since),
    d.description ? el("p", {}, d.description) : null,
    el("p", {}, d.owner ? "Owner: " + d.owner + " " : "", d.runbook ? link(d.runbook, "Runbook") : null),
    d.root_causes && d.root_causes.length ? el("h3", {}, "Root causes") : null,
    rootCauses(d.root_causes),
  ];
  if (isFlow) {
    parts.push(el("h3", {}, "Steps"),
      el("table", {}, el("tr", {}, el("th", {}, "state"), el("th", {}, "component"), el("th", {}, "impact"),
        el("th", {}, "reason")),
        d.steps.map(s => el("tr", { "data-component-id": s.id, "data-state": s.state },
          el("td", {}, badge(s.state)),
          el("td", {}, link("#/components/" + encodeURIComponent(s.id), s.name || s.id)),
          el("td", {}, s.impact), el("td", {}, s.reason)))));
  } else {
    parts.push(el("h3", {}, "Signals"),
      el("table", {}, el("tr", {}, ["state", "signal", "message", "last run", "value", "duration", "when"]
        .map(h => el("th", {}, h))), (d.signals || []).map(signalRow)));
    if (d.depends_on && d.depends_on.length) {
      parts.push(el("h3", {}, "Depends on"),
        el("ul", {}, d.depends_on.map(x => el("li", {}, badge(x.state), " ",
          link("#/components/" + encodeURIComponent(x.component), x.component), ` (${x.type}, impact ${x.impact})`))));
    }
  }
  view.replaceChildren(...parts.filter(Boolean));
}

// A layered drawing: flows on top, each component one layer below the lowest thing that
// needs it (longest path), nodes ordered in each layer by the mean position of their
// parents (a few barycenter sweeps), edges drawn as curves.
function layout(graph) {
  const key = n => (n.type === "flow" ? "f:" : "c:") + n.id;
  const nodes = new Map(graph.nodes.map(n => [key(n), { ...n, key: key(n), layer: 0, pos: 0 }]));
  const edges = graph.edges.map(e => ({ ...e, from: (e.type === "step" ? "f:" : "c:") + e.from, to: "c:" + e.to }))
    .filter(e => nodes.has(e.from) && nodes.has(e.to));
  const parents = new Map([...nodes.keys()].map(k => [k, []]));
  for (const e of edges) parents.get(e.to).push(e.from);
  // Longest path from the top; the graph is acyclic (the model refuses cycles).
  const layerOf = new Map();
  const visit = (k, seen) => {
    if (layerOf.has(k)) return layerOf.get(k);
    if (seen.has(k)) return 0;
    seen.add(k);
    const ps = parents.get(k);
    const l = ps.length ? Math.max(...ps.map(p => visit(p, seen) + 1)) : (nodes.get(k).type === "flow" ? 0 : 1);
    layerOf.set(k, l);
    return l;
  };
  for (const k of nodes.keys()) visit(k, new Set());
  const layers = [];
  for (const [k, l] of layerOf) (layers[l] ||= []).push(nodes.get(k));
  const filled = layers.filter(Boolean);
  filled.forEach((layer, i) => layer.forEach((n, j) => { n.layer = i; n.pos = j; }));
  for (let sweep = 0; sweep < 4; ++sweep) {
    for (const layer of filled.slice(1)) {
      for (const n of layer) {
        const ps = parents.get(n.key).map(p => nodes.get(p).pos);
        n.bary = ps.length ? ps.reduce((a, b) => a + b, 0) / ps.length : n.pos;
      }
      layer.sort((a, b) => a.bary - b.bary).forEach((n, j) => { n.pos = j; });
    }
  }
  return { layers: filled, nodes, edges };
}

function renderGraph() {
  const box = document.getElementById("graph");
  if (!data.graph) return;
  const { layers, nodes, edges } = layout(data.graph);
  const W = 150, H = 46, GX = 24, GY = 70;
  // A wide layer wraps into rows as wide as the screen, so 50 components stay readable
  // without scrolling sideways.
  const perRow = Math.max(2, Math.floor(((box.clientWidth || 1200) - GX - 20) / (W + GX)));  // 20: a scrollbar
  const rows = [];
  for (const layer of layers) {
    for (let i = 0; i < layer.length; i += perRow) rows.push(layer.slice(i, i + perRow));
  }
  const widest = Math.max(...rows.map(r => r.length));
  const width = widest * (W + GX) + GX, height = rows.length * (H + GY) + GY / 2;
  rows.forEach((row, r) => {
    const offset = (width - row.length * (W + GX) + GX) / 2;
    row.forEach((n, j) => { n.x = offset + j * (W + GX); n.y = GY / 2 + r * (H + GY); });
  });
  const NS = "http://www.w3.org/2000/svg";
  const svg = document.createElementNS(NS, "svg");
  svg.setAttribute("viewBox", `0 0 ${width} ${height}`);
  svg.setAttribute("width", width);
  svg.setAttribute("height", height);
  svg.setAttribute("role", "img");
  svg.setAttribute("aria-label", "dependency graph");
  const add = (parent, tag, attrs, text) => {
    const e = document.createElementNS(NS, tag);
    for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
    if (text !== undefined) e.textContent = text;
    parent.append(e);
    return e;
  };
  for (const e of edges) {
    const a = nodes.get(e.from), b = nodes.get(e.to);
    const x1 = a.x + W / 2, y1 = a.y + H, x2 = b.x + W / 2, y2 = b.y, my = (y1 + y2) / 2;
    add(svg, "path", { d: `M${x1},${y1} C${x1},${my} ${x2},${my} ${x2},${y2}`,
      class: `edge impact-${e.impact} edge-${e.type}` }).append(
      Object.assign(document.createElementNS(NS, "title"), { textContent: `${e.from.slice(2)} → ${e.to.slice(2)} (${e.type}, impact ${e.impact})` }));
  }
  for (const n of nodes.values()) {
    const g = add(svg, "a", { href: (n.type === "flow" ? "#/flows/" : "#/components/") + encodeURIComponent(n.id),
      class: `node state-${n.state || "unknown"} node-${n.type}`, "data-node": n.id, "data-state": n.state || "unknown" });
    add(g, "rect", { x: n.x, y: n.y, width: W, height: H, rx: n.type === "flow" ? 18 : 6 });
    const label = (n.name || n.id).length > 20 ? (n.name || n.id).slice(0, 19) + "…" : (n.name || n.id);
    add(g, "text", { x: n.x + W / 2, y: n.y + 19, "text-anchor": "middle", class: "label" }, label);
    add(g, "text", { x: n.x + W / 2, y: n.y + 36, "text-anchor": "middle", class: "state-word" },
      `${ICON[n.state] || "?"} ${(n.state || "unknown")}${n.type === "flow" ? " · flow" : ""}`);
  }
  box.replaceChildren(svg);
}

function renderAlerts() {
  const firing = data.alerts.filter(a => a.status === "firing");
  document.getElementById("alert-count").textContent = firing.length ? String(firing.length) : "";
  const box = document.getElementById("alerts");
  if (!data.alerts.length) { box.replaceChildren(el("p", { class: "muted" }, "No active alerts.")); return; }
  const sevRank = { critical: 0, error: 1, warning: 2, info: 3, none: 4 };
  const rows = [...data.alerts].sort((a, b) => (sevRank[a.severity] - sevRank[b.severity]) || a.id.localeCompare(b.id));
  box.replaceChildren(el("table", {},
    el("tr", {}, ["severity", "alert", "state", "status", "since", "marks", "told"].map(h => el("th", {}, h))),
    rows.map(a => el("tr", { "data-alert-id": a.id, "data-state": a.state },
      el("td", {}, el("span", { class: "sev sev-" + a.severity }, a.severity)),
      el("td", {}, link("#/" + (a.kind === "flow" ? "flows/" : "components/") + encodeURIComponent(a.id.split("/")[1]), a.id)),
      el("td", {}, badge(a.state)),
      el("td", {}, a.status),
      el("td", {}, ago(a.since)),
      el("td", {}, [a.suppressed && "suppressed", a.silenced && "silenced", a.flapping && "flapping"].filter(Boolean)
        .map(m => el("span", { class: "mark mark-" + m }, m))),
      el("td", {}, (a.receivers || []).join(", "))))));
}

function renderActions() {
  const box = document.getElementById("actions");
  if (!data.actions.length) {
    box.replaceChildren(el("p", { class: "muted" }, "No [[actions]] in the model."));
    return;
  }
  box.replaceChildren(el("table", {},
    el("tr", {}, ["action", "when", "status", "last run", "attempts"].map(h => el("th", {}, h))),
    data.actions.map(a => {
      const s = a.status || {};
      const targetLink = link("#/" + (a.target.kind === "flow" ? "flows/" : "components/") + encodeURIComponent(a.target.id),
        a.target.id);
      const status = s.running ? "running" : s.failing ? "failing" : s.held ? "held: " + s.held.replace("_", " ")
        : s.condition ? "waiting" : "idle";
      return el("tr", { "data-action": a.name, "data-status": status },
        el("td", {}, el("strong", {}, a.name), el("div", { class: "muted" },
          a.run ? a.run.join(" ") : "POST " + a.url)),
        el("td", {}, targetLink, ` ${a.state} for ${a.for}`, el("div", { class: "muted" },
          `cooldown ${a.cooldown}, at most ${a.max_attempts} per ${a.window}`)),
        el("td", {}, s.failing ? el("span", { class: "badge state-red" }, "✖ FAILING") : status),
        el("td", {}, s.last_started ? [s.last_ok === null ? "running" : s.last_ok ? "✔ ok" : "✖ failed", " · ",
          ago(s.last_started), el("div", { class: "muted" }, s.last_message || "")] : "never"),
        el("td", {}, `${s.attempts_in_window || 0} / ${a.max_attempts}`));
    })));
}

function renderDemo() {
  const box = document.getElementById("demo-faults");
  if (!data.demo) return;
  box.replaceChildren(...data.demo.faults.map(f =>
    el("article", { class: "card " + (f.active ? "state-red" : "state-green"), "data-fault": f.id,
      "data-active": String(f.active) },
      el("header", {}, f.active ? badge("red") : badge("green"), " ", el("span", { class: "name" }, f.title)),
      el("p", {}, f.description),
      el("button", { onclick: async () => {
        await fetch("demo/faults", { method: "POST", headers: { "Content-Type": "application/json" },
          body: JSON.stringify({ fault: f.id, active: !f.active }) });
        await tick();
      } }, f.active ? "Clear (repair)" : "Inject"))));
}

function token() {
  const input = document.querySelector("#silence-form [name=token]");
  if (input && input.value) localStorage.setItem("greenlight-token", input.value);
  return localStorage.getItem("greenlight-token") || "";
}

async function mutate(method, path, body) {
  const headers = { "Content-Type": "application/json" };
  const t = token();
  if (t) headers.Authorization = "Bearer " + t;
  const r = await fetch(path, { method, headers, body: body ? JSON.stringify(body) : undefined });
  const j = await r.json().catch(() => ({}));
  if (!r.ok) throw new Error(j.error || `HTTP ${r.status}`);
  return j;
}

function renderSilences() {
  const box = document.getElementById("silences");
  const list = data.silences.filter(s => s.status !== "expired");
  if (!list.length) { box.replaceChildren(el("p", { class: "muted" }, "No silences.")); return; }
  box.replaceChildren(el("table", {},
    el("tr", {}, ["matchers", "status", "until", "author", "comment", ""].map(h => el("th", {}, h))),
    list.map(s => el("tr", { "data-silence-id": s.id },
      el("td", {}, Object.entries(s.match).map(([k, v]) => `${k}=${v}`)
        .concat((s.matchers || []).map((m) => `${m.name}${m.op}${m.value}`)).join(", ")),
      el("td", {}, s.status), el("td", {}, new Date(s.ends_at).toLocaleString()),
      el("td", {}, s.author), el("td", {}, s.comment),
      el("td", {}, s.source === "api" ? el("button", { onclick: async () => {
        try { await mutate("DELETE", "api/v1/silences/" + encodeURIComponent(s.id)); await poll(); }
        catch (e) { alert("Could not expire: " + e.message); }
      } }, "Expire") : el("span", { class: "muted" }, "from config"))))));
}

function eventItem(e) {
  const to = e.detail && e.detail.to;
  if (e.type === "action") {
    const outcome = e.detail.outcome;
    return el("li", { class: "event event-action", "data-seq": e.seq },
      el("time", { datetime: e.time, title: e.time }, new Date(e.time).toLocaleTimeString()), " ",
      outcome ? badge(outcome === "ok" ? "green" : "red") : el("span", { class: "chip" }, "action"), " ", e.message);
  }
  return el("li", { class: "event event-" + e.type, "data-seq": e.seq },
    el("time", { datetime: e.time, title: e.time }, new Date(e.time).toLocaleTimeString()), " ",
    to ? badge(to) : el("span", { class: "chip" }, e.type), " ", e.message);
}

function renderEvents() {
  const newest = [...data.events].reverse();
  document.getElementById("events").replaceChildren(...newest.map(eventItem));
  document.getElementById("recent-events").replaceChildren(...newest.slice(0, 12).map(eventItem));
}

// ---- routing and polling ----------------------------------------------------------------

function route() {
  const hash = location.hash.replace(/^#\/?/, "");
  const [section, id] = hash.split("/");
  return { section: section || "overview", id: id ? decodeURIComponent(id) : null };
}

function show() {
  const r = route();
  const view = (r.section === "flows" || r.section === "components") ? "detail" : r.section;
  for (const s of document.querySelectorAll("main > section[id^=view-]")) s.hidden = s.id !== "view-" + view;
  document.body.dataset.view = view;  // the graph takes the whole width
  renderOverall();
  renderAlerts();
  renderEvents();
  if (view === "overview") renderOverview();
  if (view === "detail") renderDetail();
  if (view === "graph") renderGraph();
  if (view === "silences") renderSilences();
  if (view === "actions") renderActions();
  if (view === "demo") renderDemo();
}

async function poll() {
  const r = route();
  try {
    const [status, alerts, silences, events, actions, incidents] = await Promise.all([
      getJSON("api/v1/status?components=not_green"), getJSON("api/v1/alerts"), getJSON("api/v1/silences"),
      getJSON("api/v1/events?since=" + data.lastSeq), getJSON("api/v1/actions"), getJSON("api/v1/incidents")]);
    data.status = status;
    data.alerts = alerts.alerts;
    data.incidents = incidents.incidents;
    data.silences = silences.silences;
    data.actions = actions.actions;
    if (data.demo !== undefined) {  // null: not asked yet; undefined: not `greenlight demo`
      const resp = await fetch("demo/faults", { cache: "no-store" });
      data.demo = resp.ok ? await resp.json() : undefined;
      document.getElementById("demo-link").hidden = !data.demo;
    }
    if (events.last_seq < data.lastSeq) data.events = [];  // a new history (state_dir changed)
    data.events = data.events.concat(events.events).slice(-500);
    data.lastSeq = events.last_seq;
    if (r.section === "graph") data.graph = await getJSON("api/v1/graph");
    if (r.section === "flows" || r.section === "components") {
      const path = `api/v1/${r.section}/${encodeURIComponent(r.id)}`;
      const resp = await fetch(path, { cache: "no-store", headers: readHeaders() });
      const body = await resp.json();
      data.detail = resp.ok ? body : { error: body.error || `HTTP ${resp.status}` };
    }
    document.getElementById("connection").textContent =
      "updated " + new Date().toLocaleTimeString() + (status.ready ? "" : " · first evaluation still running");
    document.getElementById("connection").className = "muted";
  } catch (e) {
    const c = document.getElementById("connection");
    c.textContent = "cannot reach greenlight (" + e.message + "); retrying";
    c.className = "error";
  }
  show();
}

document.getElementById("silence-form").addEventListener("submit", async ev => {
  ev.preventDefault();
  const f = ev.target;
  const match = {};
  for (const part of f.match.value.split(",")) {
    const [k, ...v] = part.split("=");
    if (k && k.trim() && v.length) match[k.trim()] = v.join("=").trim();
  }
  const out = document.getElementById("silence-result");
  try {
    const s = await mutate("POST", "api/v1/silences",
      { match, duration: f.duration.value, author: f.author.value, comment: f.comment.value });
    out.textContent = "created " + s.id;
    out.className = "";
    await poll();
  } catch (e) {
    out.textContent = e.message;
    out.className = "error";
  }
});

// One poll at a time: a slow answer is not overtaken by the next tick.
let polling = false;
async function tick() {
  if (polling) return;
  polling = true;
  try { await poll(); } finally { polling = false; }
}

window.addEventListener("hashchange", () => { data.detail = null; show(); tick(); });
const saved = localStorage.getItem("greenlight-token");
if (saved) document.querySelector("#silence-form [name=token]").value = saved;
tick();
setInterval(tick, POLL_MS);
