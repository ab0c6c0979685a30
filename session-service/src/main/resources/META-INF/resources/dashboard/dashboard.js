// imgcast dashboard: live sessions, per-device progress and rate, a throughput plot, and a form
// to start a session from the server. Plain JavaScript on the admin REST API (HTTP Basic):
//   GET /api/sessions, GET /api/sessions?all=true&limit=N, GET /api/runs/{id}/throughput,
//   POST /api/sessions, POST /api/sessions/{name}/start, DELETE /api/sessions/{name}, GET /api/images.
"use strict";

const REFRESH_MS = 1000;
const AUTH_KEY = "imgcast.dashboard.auth";
let auth = sessionStorage.getItem(AUTH_KEY);
let timer = null;
let selectedRun = null;      // chosen by a click; otherwise the first imaging run, else the latest run
let lastPlotted = null;      // "runId:live" or "runId:ended": what the canvas shows
let imagesLoaded = false;

const $ = (id) => document.getElementById(id);

function esc(v) {
  return String(v ?? "").replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c]));
}

function bytes(n) {
  if (n == null) return "–";
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let i = 0;
  let v = n;
  while (v >= 1024 && i < units.length - 1) { v /= 1024; i++; }
  return (i === 0 ? v : v.toFixed(1)) + " " + units[i];
}

function rate(bytesPerSecond) {
  return bytesPerSecond == null ? "–" : (bytesPerSecond / 1e6).toFixed(1) + " MB/s";
}

function time(iso) {
  return iso ? new Date(iso).toLocaleTimeString() : "–";
}

class ApiError extends Error {
  constructor(status, message) { super(message); this.status = status; }
}

async function api(path, options = {}) {
  // X-Imgcast-Dashboard: a refusal comes back as a plain 401, without the browser's password dialog
  const headers = Object.assign({ Accept: "application/json", "X-Imgcast-Dashboard": "1" }, options.headers || {});
  if (auth) headers.Authorization = "Basic " + auth;
  if (options.body) headers["Content-Type"] = "application/json";
  const response = await fetch(path, Object.assign({}, options, { headers }));
  if (response.status === 401 || response.status === 403) {
    throw new ApiError(response.status, response.status === 401 ? "user or password refused" : "this user is not an admin");
  }
  const text = await response.text();
  let body = null;
  try { body = text ? JSON.parse(text) : null; } catch (e) { body = null; }
  if (!response.ok) {
    throw new ApiError(response.status, (body && body.message) || response.status + " " + response.statusText);
  }
  return body;
}

function setStatus(text, bad) {
  const s = $("status");
  s.textContent = text;
  s.classList.toggle("bad", !!bad);
}

// ------------------------------------------------------------------ sign in

$("login-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  auth = btoa($("login-user").value + ":" + $("login-password").value);
  $("login-error").textContent = "";
  try {
    await api("/api/sessions");
    sessionStorage.setItem(AUTH_KEY, auth);
    signedIn();
  } catch (e) {
    auth = null;
    $("login-error").textContent = e.message;
  }
});

function signedIn() {
  $("login").hidden = true;
  $("main").hidden = false;
  setStatus("signed in");
  refresh();
}

function signedOut(message) {
  auth = null;
  sessionStorage.removeItem(AUTH_KEY);
  clearTimeout(timer);
  $("main").hidden = true;
  $("login").hidden = false;
  $("login-error").textContent = message || "";
  setStatus("not signed in");
}

// ------------------------------------------------------------------ refresh

async function refresh() {
  clearTimeout(timer);
  try {
    const [live, recent] = await Promise.all([api("/api/sessions"), api("/api/sessions?all=true&limit=15")]);
    renderSessions(live);
    renderRecent(recent);
    await plot(live, recent);
    if (!imagesLoaded) loadImages();
    $("updated").textContent = "updated " + new Date().toLocaleTimeString();
    setStatus("live · " + live.length + " session" + (live.length === 1 ? "" : "s"));
  } catch (e) {
    if (e instanceof ApiError && (e.status === 401 || e.status === 403)) {
      signedOut(e.message);
      return;
    }
    setStatus("server unreachable: " + e.message + " (retrying)", true);
  }
  timer = setTimeout(refresh, REFRESH_MS);
}

function percentOf(done, total) {
  return total ? Math.min(100, (100 * done) / total) : 0;
}

function bar(percent) {
  return `<span class="bar"><i style="width:${percent.toFixed(1)}%"></i></span> ${percent.toFixed(1)}%`;
}

function renderSessions(live) {
  const box = $("sessions");
  if (!live.length) {
    box.innerHTML = '<p class="empty">No live session.</p>';
    return;
  }
  box.innerHTML = live.map(renderSession).join("");
  box.querySelectorAll("button[data-action]").forEach((b) => b.addEventListener("click", () => act(b)));
  box.querySelectorAll(".session").forEach((div) => div.addEventListener("click", (event) => {
    if (event.target.tagName !== "BUTTON") { selectedRun = Number(div.dataset.run); lastPlotted = null; refresh(); }
  }));
}

function renderSession(s) {
  const rules = [];
  if (s.clients != null) rules.push("clients=" + s.clients);
  if (s.time != null) rules.push("time=" + s.time);
  const source = s.sourceKind === "IMAGE" ? "image " + s.imageId
    : s.sourceKind === "DEVICE" ? "master " + (s.masterDeviceId || "") : "no source yet";
  let sender = "";
  if (s.senderBytesTotal) {
    const ratio = s.senderDataPackets ? (s.senderRepairPackets || 0) / s.senderDataPackets : null;
    sender = `<div class="sender" data-sender-bytes="${s.senderBytesSent || 0}">sender ${esc(s.senderAddress || "")}:
      ${bar(percentOf(s.senderBytesSent || 0, s.senderBytesTotal))} of ${bytes(s.senderBytesTotal)}, round ${s.senderRound ?? "–"},
      ${s.senderRateBitsPerSecond != null ? (s.senderRateBitsPerSecond / 1e6).toFixed(0) + " Mbit/s" : ""}
      ${ratio != null ? "· repairs " + (100 * ratio).toFixed(1) + "%" : ""}</div>`;
  }
  const rows = (s.participants || []).map((p) => {
    const pct = p.percent != null ? p.percent : percentOf(p.bytesDone, p.bytesTotal);
    const result = p.state === "VERIFIED" ? `<span class="mono ok-text" title="${esc(p.sha256)}">sha256 ${esc((p.sha256 || "").slice(0, 12))}…</span>`
      : p.reason ? `<span class="bad-text">${esc(p.reason)}</span>` : "";
    return `<tr data-device="${esc(p.deviceId)}" data-state="${esc(p.state)}" data-bytes-done="${p.bytesDone}" data-percent="${pct.toFixed(1)}">
      <td>${esc(p.hostname || "")}</td><td class="mono">${esc(p.deviceId)}</td><td>${esc(p.role)}</td>
      <td><span class="state ${esc(p.state)}">${esc(p.state)}</span></td>
      <td>${p.role === "MASTER" ? "" : bar(pct)}</td><td>${p.role === "MASTER" ? "" : bytes(p.bytesDone)}</td>
      <td class="rate">${p.role === "MASTER" ? "" : rate(p.rateBytesPerSecond)}</td><td>${result}</td></tr>`;
  }).join("");
  const queued = (s.queued || []).length
    ? `<p>Queued for the next run: ${s.queued.map((q) => esc(q.hostname || q.deviceId)).join(", ")}</p>` : "";
  const buttons = (s.state === "OPEN" ? `<button data-action="start" data-name="${esc(s.name)}">Start now</button> ` : "")
    + `<button data-action="cancel" data-name="${esc(s.name)}">Cancel</button>`;
  return `<div class="session" data-session="${esc(s.name)}" data-run="${s.runId}" data-state="${esc(s.state)}">
    <h3>${esc(s.name)} <small>run ${s.runNo}</small> <span class="state ${esc(s.state)}">${esc(s.state)}</span> ${buttons}</h3>
    <div class="facts"><span>group <b class="mono">${esc(s.group)}:${s.port}</b></span><span>${esc(source)}</span>
      <span>${rules.length ? esc(rules.join(" ")) : "no start rule"}</span><span>${s.registered} registered</span>
      ${s.waitingFor ? `<span>waiting: ${esc(s.waitingFor)}</span>` : ""}${s.startReason ? `<span>started: ${esc(s.startReason)}</span>` : ""}</div>
    ${sender}
    <table class="participants"><thead><tr><th>host</th><th>device</th><th>role</th><th>state</th><th>progress</th><th>written</th><th>rate</th><th>result</th></tr></thead>
    <tbody>${rows || '<tr><td colspan="8" class="empty">no device yet</td></tr>'}</tbody></table>${queued}</div>`;
}

function renderRecent(runs) {
  const body = $("recent").querySelector("tbody");
  body.innerHTML = runs.map((r) => `<tr data-run="${r.runId}" class="${r.runId === selectedRun ? "selected" : ""}">
      <td>${esc(r.name)}</td><td>${r.runNo}</td><td><span class="state ${esc(r.state)}">${esc(r.state)}</span></td>
      <td>${time(r.startedAt)}</td><td>${time(r.endedAt)}</td><td>${esc(r.endReason || r.waitingFor || "")}</td></tr>`).join("");
  body.querySelectorAll("tr").forEach((tr) => tr.addEventListener("click", () => {
    selectedRun = Number(tr.dataset.run);
    lastPlotted = null;
    refresh();
  }));
}

async function act(button) {
  const name = button.dataset.name;
  const action = button.dataset.action;
  if (action === "cancel" && !confirm("Cancel session " + name + "? Devices stop; queued devices form the next run.")) return;
  try {
    await api("/api/sessions/" + encodeURIComponent(name) + (action === "start" ? "/start" : ""),
      { method: action === "start" ? "POST" : "DELETE" });
  } catch (e) {
    alert(action + " " + name + ": " + e.message);
  }
  refresh();
}

// ------------------------------------------------------------------ start a session

async function loadImages() {
  imagesLoaded = true;
  try {
    const images = await api("/api/images");
    $("images").innerHTML = (images || []).map((i) => `<option value="${esc(i.id)}">${esc(i.id)} (${bytes(i.size)})</option>`).join("");
  } catch (e) {
    // the image store is another service (distributed mode): type the image id
  }
}

$("start-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const out = $("start-result");
  const body = { name: $("start-name").value.trim(), imageId: $("start-image").value.trim(), confirm: $("start-confirm").checked };
  if ($("start-clients").value) body.clients = Number($("start-clients").value);
  if ($("start-time").value) body.time = Number($("start-time").value);
  out.className = "";
  out.textContent = "opening " + body.name + "…";
  try {
    const s = await api("/api/sessions", { method: "POST", body: JSON.stringify(body) });
    out.className = "ok-text";
    out.textContent = `session ${s.name} run ${s.runNo} ${s.state} on ${s.group}:${s.port}` + (s.waitingFor ? " — " + s.waitingFor : "");
    selectedRun = null;
    refresh();
  } catch (e) {
    out.className = "error";
    out.textContent = e.message;
  }
});

// ------------------------------------------------------------------ the plot

async function plot(live, recent) {
  let runId = selectedRun;
  if (runId == null) {
    const imaging = live.find((s) => s.state === "STARTED");
    runId = imaging ? imaging.runId : (recent.find((r) => r.startedAt) || {}).runId;
  }
  const canvas = $("plot");
  if (runId == null) {
    $("plot-title").textContent = "(no run has started yet)";
    draw(canvas, null);
    return;
  }
  if (lastPlotted === runId + ":ended") return;  // an ended run's history does not change
  const t = await api("/api/runs/" + runId + "/throughput");
  $("plot-title").textContent = `${t.name} run ${t.runNo} (${t.state})`;
  canvas.dataset.run = String(runId);
  canvas.dataset.state = t.state;
  canvas.dataset.points = String(t.points.length);
  lastPlotted = runId + ":" + (t.endedAt ? "ended" : "live");
  draw(canvas, t);
}

function draw(canvas, t) {
  const g = canvas.getContext("2d");
  const W = canvas.width, H = canvas.height, L = 70, R = 10, T = 10, B = 30;
  g.clearRect(0, 0, W, H);
  g.font = "12px system-ui, sans-serif";
  g.fillStyle = "#667";
  if (!t || t.points.length < 2) {
    g.fillText(t ? "no throughput sample yet" : "no run to plot", L, H / 2);
    return;
  }
  const pts = t.points;
  const maxT = Math.max(1, pts[pts.length - 1].t);
  let maxY = 1;
  for (const p of pts) maxY = Math.max(maxY, p.sentBytesPerSecond || 0, p.receivedBytesPerSecondPerDevice || 0);
  maxY *= 1.1;
  const x = (s) => L + ((W - L - R) * s) / maxT;
  const y = (v) => H - B - ((H - T - B) * v) / maxY;
  g.strokeStyle = "#c9ced8";
  g.beginPath(); g.moveTo(L, T); g.lineTo(L, H - B); g.lineTo(W - R, H - B); g.stroke();
  const mega = maxY >= 2e6;
  for (let i = 0; i <= 4; i++) {
    const v = (maxY * i) / 4;
    g.fillText(mega ? (v / 1e6).toFixed(maxY >= 2e7 ? 0 : 1) + " MB/s" : (v / 1e3).toFixed(0) + " kB/s", 2, y(v) + 4);
  }
  for (let i = 0; i <= 5; i++) {
    const s = (maxT * i) / 5;
    g.fillText(s.toFixed(0) + " s", Math.min(x(s) - 8, W - R - 28), H - 10);
  }
  const line = (key, color) => {
    g.strokeStyle = color;
    g.lineWidth = 2;
    g.beginPath();
    let started = false;
    for (const p of pts) {
      if (p[key] == null) continue;
      if (!started) { g.moveTo(x(p.t), y(p[key])); started = true; } else g.lineTo(x(p.t), y(p[key]));
    }
    g.stroke();
    g.lineWidth = 1;
  };
  line("sentBytesPerSecond", "#3b82f6");
  line("receivedBytesPerSecondPerDevice", "#f59e0b");
}

if (auth) signedIn();
