// The wallboard: queue tiles and an agent grid kept current by two event
// streams (GET …?… with Accept: text/event-stream, which EventSource
// sends). The server pushes an answer whenever it changes; EventSource
// reconnects by itself and sends Last-Event-ID, so an unchanged answer is
// not sent again. Settings come from the page's query string (README).
"use strict";

const params = new URLSearchParams(location.search);
const num = (name, dflt) => {
  const v = Number(params.get(name));
  return params.has(name) && Number.isFinite(v) && v >= 0 ? v : dflt;
};
const settings = {
  queue: params.get("queue") || "",       // queueName pattern (* and ?)
  team: params.get("team") || "",         // reportingGroupName pattern
  zone: params.get("tz") || Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC",
  lang: params.get("lang") || navigator.language || "en",
  sl: Math.round(num("sl", 20)),          // service-level threshold, seconds
  waitWarn: num("warn", 60),              // longest wait now, seconds
  waitAlert: num("alert", 180),
  slWarn: num("slWarn", 80),              // service level today, percent
  slAlert: num("slAlert", 60),
  stateWarn: num("stateWarn", 600),       // an agent's time in a state other than Free, seconds
  stateAlert: num("stateAlert", 1800),
  loggedOut: params.get("loggedOut") === "1",
};
document.documentElement.lang = settings.lang;

const collator = new Intl.Collator(settings.lang, { sensitivity: "base", numeric: true });
const integer = new Intl.NumberFormat(settings.lang, { maximumFractionDigits: 0 });
const percent = new Intl.NumberFormat(settings.lang, { style: "percent", maximumFractionDigits: 0 });
const clockFormat = new Intl.DateTimeFormat(settings.lang, {
  timeZone: settings.zone, hour: "2-digit", minute: "2-digit", second: "2-digit",
});
const dayFormat = new Intl.DateTimeFormat(settings.lang, { timeZone: settings.zone, dateStyle: "full" });

/** Milliseconds as h:mm:ss or m:ss (digits in the page's locale). */
function duration(ms) {
  const s = Math.max(0, Math.floor((ms || 0) / 1000));
  const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), sec = s % 60;
  const two = (n) => new Intl.NumberFormat(settings.lang, { minimumIntegerDigits: 2 }).format(n);
  return h > 0 ? `${integer.format(h)}:${two(m)}:${two(sec)}` : `${integer.format(m)}:${two(sec)}`;
}

/** The UTC instant of today's local midnight in the page's zone. */
function localMidnight(now) {
  const parts = (t) => {
    const p = {};
    for (const x of new Intl.DateTimeFormat("en-US", {
      timeZone: settings.zone, hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit",
      hour: "2-digit", minute: "2-digit", second: "2-digit",
    }).formatToParts(new Date(t))) p[x.type] = Number(x.value);
    return p;
  };
  const offset = (t) => {
    const p = parts(t);
    return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) - Math.floor(t / 1000) * 1000;
  };
  const p = parts(now);
  const wall = Date.UTC(p.year, p.month - 1, p.day);
  let t = wall - offset(wall);
  t = wall - offset(t);
  return new Date(t).toISOString();
}

function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === "class") e.className = v; else e.setAttribute(k, v);
  }
  for (const c of children) e.append(c);
  return e;
}

const level = (value, warn, alert, higherIsWorse) => {
  if (value === null || value === undefined) return "";
  if (higherIsWorse ? value >= alert : value < alert) return "alert";
  if (higherIsWorse ? value >= warn : value < warn) return "warn";
  return "";
};

/** contactStatistic rows (one per application × queue) summed per queue. */
function queues(rows) {
  const byQueue = new Map();
  const slKey = `serviceLevel${settings.sl}s`;
  for (const r of rows) {
    // Segments that never reached a queue (direct calls) have no tile.
    if (!r.queueId) continue;
    const id = r.queueId;
    const q = byQueue.get(id) || {
      id, name: r.queueName || id, waiting: 0, longest: 0, handled: 0, abandoned: 0, onTime: 0, offered: 0,
    };
    q.waiting += r.countOfQueuingContacts || 0;
    q.longest = Math.max(q.longest, r.activeMaxQueuingDuration || 0);
    q.handled += r.countOfHandledContacts || 0;
    q.abandoned += r.countOfAbandonedContacts || 0;
    q.onTime += r[`${slKey}Numerator`] || 0;
    q.offered += r[`${slKey}Denominator`] || 0;
    byQueue.set(id, q);
  }
  return [...byQueue.values()].sort((a, b) => collator.compare(a.name, b.name));
}

function renderQueues(rows) {
  const box = document.getElementById("queues");
  const list = queues(rows);
  box.replaceChildren(...list.map((q) => {
    const sl = q.offered > 0 ? q.onTime / q.offered : null;
    const wait = level(q.longest / 1000, settings.waitWarn, settings.waitAlert, true);
    const slLevel = level(sl === null ? null : sl * 100, settings.slWarn, settings.slAlert, false);
    const worst = [wait, slLevel].includes("alert") ? "alert" : [wait, slLevel].includes("warn") ? "warn" : "";
    const fact = (key, label, text, size) =>
      el("div", { class: `fact ${size}` }, el("dt", {}, label), el("dd", { "data-k": key }, text));
    return el("article", { class: `tile ${worst}`, "data-queue-id": q.id, "data-queue-name": q.name },
      el("h3", { title: q.name }, q.name, worst ? el("span", { class: "flag" }, worst) : ""),
      el("dl", {},
        fact("waiting", "Waiting now", integer.format(q.waiting), "big"),
        fact("longest", "Longest wait", duration(q.longest), `big ${wait}`),
        fact("handled", "Handled", integer.format(q.handled), "small"),
        fact("abandoned", "Abandoned", integer.format(q.abandoned), "small"),
        fact("serviceLevel", `SL ${integer.format(settings.sl)} s`, sl === null ? "–" : percent.format(sl), `small ${slLevel}`),
      ));
  }));
  if (list.length === 0) box.replaceChildren(el("p", { class: "empty" }, "No contacts today."));
}

const availabilityOrder = { Free: 0, Busy: 1 };

function renderAgents(rows) {
  const box = document.getElementById("agents");
  const shown = rows.filter((r) => settings.loggedOut || r.availability !== "LoggedOut");
  shown.sort((a, b) =>
    (availabilityOrder[a.availability] ?? 2) - (availabilityOrder[b.availability] ?? 2) ||
    collator.compare(a.userName || "", b.userName || ""));
  const counts = {};
  for (const r of rows) counts[r.availability] = (counts[r.availability] || 0) + 1;
  document.getElementById("agent-counts").textContent = Object.entries(counts)
    .sort(([a], [b]) => (availabilityOrder[a] ?? 2) - (availabilityOrder[b] ?? 2) || collator.compare(a, b))
    .map(([k, v]) => `${k} ${integer.format(v)}`).join(" · ");
  box.replaceChildren(...shown.map((r) => {
    // On a contact: time in its handling state; else in the user status.
    const onContact = r.availability === "Busy" && r.contactHandlingStatus;
    const inState = (onContact ? r.contactHandlingStatusDuration : r.userStatusDuration) || 0;
    const flag = r.availability === "Free" ? "" : level(inState / 1000, settings.stateWarn, settings.stateAlert, true);
    const state = onContact ? r.contactHandlingStatus : r.userStatus;
    return el("div", { class: `agent ${r.availability || ""} ${flag}`, "data-user-id": r.userId || "" },
      el("div", { class: "name", title: r.userName || "" }, r.userName || r.userId || ""),
      el("div", { class: "state" },
        el("span", { class: "what" }, `${r.availability || ""} · ${(state || "").replace(/_/g, " ")}`),
        el("span", { class: "time" }, duration(inState))));
  }));
  if (shown.length === 0) box.replaceChildren(el("p", { class: "empty" }, "No agents logged in."));
}

// One stream per view; both are rebuilt when the local day changes.
const streams = [];
let today = "";
const live = { queues: false, agents: false };

function setStatus() {
  const s = document.getElementById("status");
  const up = live.queues && live.agents;
  s.className = `status ${up ? "live" : "connecting"}`;
  s.textContent = up ? "live" : "reconnecting…";
}

function stream(name, endpoint, query, render) {
  const url = `/RI/rai/${endpoint}?${new URLSearchParams(query)}`;
  const source = new EventSource(url);
  source.onmessage = (e) => {
    live[name] = true;
    setStatus();
    render(JSON.parse(e.data));
    document.getElementById("updated").textContent =
      `updated ${clockFormat.format(new Date())}`;
  };
  source.addEventListener("error", (e) => {
    live[name] = false;
    setStatus();
    if (e.data) document.getElementById("status").textContent = e.data;
  });
  streams.push(source);
}

function connect() {
  const start = localMidnight(Date.now());
  if (start === today) return;
  today = start;
  while (streams.length) streams.pop().close();
  const contacts = {
    startTime: start, showChannel: "false", showChannelType: "false",
    serviceLevelThresholds: String(settings.sl),
  };
  if (settings.queue) contacts.queueName = settings.queue;
  const agents = { startTime: start };
  if (settings.team) agents.reportingGroupName = settings.team;
  stream("queues", "contactStatistic", contacts, renderQueues);
  stream("agents", "agentStatus", agents, renderAgents);
  const scope = [settings.queue && `queue ${settings.queue}`, settings.team && `team ${settings.team}`]
    .filter(Boolean).join(" · ");
  document.getElementById("scope").textContent = `${dayFormat.format(new Date())}${scope ? " · " + scope : ""}`;
}

function tick() {
  document.getElementById("clock").textContent = clockFormat.format(new Date());
  connect();
}

tick();
setInterval(tick, 1000);
