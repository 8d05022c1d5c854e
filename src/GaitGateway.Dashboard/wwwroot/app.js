// GaitGateway dashboard: plain JS, no build step. Chart.js 4 is vendored (vendor/chart.umd.min.js).
'use strict';

// Authorisation: when the gateway has a Dashboard:Token, the page asks for it once and POSTs it to /api/login, which
// answers with an HttpOnly, SameSite=Strict cookie; fetch and EventSource then send that cookie by themselves. The
// token never goes into a URL (URLs end up in logs and browser history) and the script never holds the cookie.
const state = { tiles: [], cues: [], liveUpdates: 0, cuesReceived: 0, strideChartPoints: 0, charts: {}, source: null, started: false };
window.gaitDashboard = state; // read by the browser tests and handy in the console

async function getJson(path) {
  const r = await fetch(path);
  if (r.status === 401) { showLogin(); throw new Error(path + ': sign in first'); }
  if (!r.ok) throw new Error(path + ': HTTP ' + r.status);
  return r.json();
}
const $ = (id) => document.getElementById(id);
function esc(s) { return String(s ?? '').replace(/[&<>"']/g, c => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c])); }
function num(v, digits = 0) { return v == null || !isFinite(v) ? '–' : Number(v).toFixed(digits); }
function clock(s) {
  if (s == null || !isFinite(s)) return '–';
  s = Math.max(0, Math.round(s));
  const h = Math.floor(s / 3600), m = Math.floor(s / 60) % 60, sec = s % 60;
  return (h ? h + ':' + String(m).padStart(2, '0') : m) + ':' + String(sec).padStart(2, '0');
}
function pace(sPerKm) { return sPerKm == null || !isFinite(sPerKm) || sPerKm > 1800 ? '–' : clock(sPerKm); }
// On a phone a table is shown as one card per row (style.css); each cell names its column from the table's header.
function labelCells(tbody) {
  const heads = [...tbody.closest('table').querySelectorAll('thead th')].map(th => th.textContent.trim());
  for (const tr of tbody.rows) [...tr.cells].forEach((td, i) => { td.dataset.label = heads[i] ?? ''; });
}
function dateTime(iso) { const d = new Date(iso); return d.toLocaleDateString() + ' ' + d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' }); }

// ------------------------------------------------------------------ login
function showLogin(message) {
  state.source?.close();
  state.source = null;
  state.started = false;
  document.querySelectorAll('.page').forEach(p => { p.hidden = p.id !== 'page-login'; });
  $('stream-state').textContent = 'signed out'; $('stream-state').className = 'pill bad';
  $('login-error').hidden = !message;
  $('login-error').textContent = message ?? '';
  $('login-token').focus();
}

$('login-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  const r = await fetch('/api/login', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ token: $('login-token').value }) });
  $('login-token').value = '';
  if (r.status === 401) { showLogin('That token is not the one configured on the gateway.'); return; }
  if (!r.ok) { showLogin('Sign-in failed: HTTP ' + r.status); return; }
  start();
});

async function start() {
  const auth = await (await fetch('/api/auth')).json();
  if (!auth.signedIn) { showLogin(); return; }
  if (state.started) return;
  state.started = true;
  connectStream();
  route();
}

// ------------------------------------------------------------------ routing
function route() {
  if (!state.started) return;
  const [page, arg] = (location.hash || '#/live').slice(2).split('/');
  const name = ['live', 'sessions', 'session', 'history', 'c25k'].includes(page) ? page : 'live';
  document.querySelectorAll('.page').forEach(p => { p.hidden = p.id !== 'page-' + name; });
  document.querySelectorAll('nav a').forEach(a => a.classList.toggle('active', a.dataset.page === (name === 'session' ? 'sessions' : name)));
  if (name === 'live') loadCues();
  if (name === 'sessions') showSessions();
  if (name === 'session') showSession(arg);
  if (name === 'history') showHistory(arg ? decodeURIComponent(arg) : null);
  if (name === 'c25k') showC25k();
}
window.addEventListener('hashchange', route);

// ------------------------------------------------------------------ live
function connectStream() {
  const src = new EventSource('/api/live/stream');
  state.source = src;
  src.addEventListener('open', () => { $('stream-state').textContent = 'live'; $('stream-state').className = 'pill ok'; });
  src.addEventListener('error', () => {
    $('stream-state').textContent = 'reconnecting…'; $('stream-state').className = 'pill bad';
    // EventSource gives up for good on a non-200 answer (401 once the cookie expired or the gateway restarted): ask.
    if (src.readyState === EventSource.CLOSED && state.source === src) { state.started = false; setTimeout(start, 2000); }
  });
  src.addEventListener('tiles', (e) => { const d = JSON.parse(e.data); state.tiles = d.tiles; state.liveUpdates++; renderTiles(); });
  src.addEventListener('cue', (e) => { const c = JSON.parse(e.data); state.cuesReceived++; addCue(c); });
}

function gauge(label, valueText, fraction, cls, markFraction, testid) {
  const w = Math.max(0, Math.min(1, fraction ?? 0)) * 100;
  const mark = markFraction == null ? '' : `<span class="mark" style="left:${markFraction * 100}%"></span>`;
  return `<div class="gauge" data-testid="${testid}"><div class="l"><span>${label}</span><span>${valueText}</span></div>
    <div class="bar"><span class="fill ${cls}" style="width:${w}%"></span>${mark}</div></div>`;
}

// The tile's cues: those of the last two minutes, most important first (overstriding, then calf load, then
// asymmetry; newest first within a kind), so a later, lesser cue does not hide the one that matters. With none that
// recent, the newest alone.
const CUE_RANK = { overstride: 3, calf_load: 2, asymmetry: 1 };
function liveCues(t) {
  const now = t.sessionTimeS ?? 0;
  const recent = t.cues.filter(c => c.timeS >= now - 120);
  if (!recent.length) return t.cues.slice(0, 1);
  return recent.slice().sort((a, b) => (CUE_RANK[b.kind] ?? 0) - (CUE_RANK[a.kind] ?? 0) || b.timeS - a.timeS);
}

function renderTiles() {
  const root = $('tiles');
  if (!state.tiles.length) { root.innerHTML = '<p class="muted">No runner yet. Start a session on the gateway.</p>'; return; }
  root.innerHTML = state.tiles.map(t => {
    // Overstriding index (issue 12): 0 = her usual running, a stretch is flagged at 2; the gauge spans 0..4.
    const osIdx = t.overstrideIndex;
    const osCls = osIdx == null ? '' : (t.overstrideFraction ?? 0) > 0 || osIdx >= 2 ? 'bad' : osIdx >= 1.5 ? 'warn' : '';
    const calf = t.calfLoadPctOfUsual;
    const calfCls = calf == null ? '' : calf > 130 ? 'bad' : calf > 110 ? 'warn' : '';
    const share = t.leftContactSharePct;
    const balance = `<div class="gauge" data-testid="balance"><div class="l"><span>L/R contact balance</span><span>${share == null ? '–' : num(share, 1) + ' % L · ' + num(100 - share, 1) + ' % R'}${t.stepAsymmetryPct == null ? '' : ' · steps ' + num(t.stepAsymmetryPct, 1) + ' %'}</span></div>
      <div class="bar balance"><span class="fill" style="left:${share == null ? 50 : Math.min(share, 50)}%;width:${share == null ? 0 : Math.abs(share - 50)}%"></span><span class="mark" style="left:50%"></span></div></div>`;
    // Battery with its age (BlueZ Battery1 or GATT notifications), and the clip's own words on why it is not streaming
    // or what was negotiated ("rejected 400 Hz, now 416 Hz"): a coach sees a failing clip on the tile, not as 0 strides.
    const age = a => a == null ? '' : ` <small data-testid="battery-age">(${a < 90 ? num(a) + ' s' : num(a / 60) + ' min'} old)</small>`;
    const sensors = t.sensors.map(s => `<span class="sensor" data-testid="sensor-${s.foot}">${s.foot}: <b>${s.batteryPct == null ? '–' : num(s.batteryPct) + ' %'}</b>${age(s.batteryAgeS)} battery ·
      <span class="link-${esc(s.linkState)}">${esc(s.linkState)}</span> · loss ${s.packetLossPct == null ? '–' : num(s.packetLossPct, 1) + ' %'}</span>`
      + (s.detail ? `<span class="sensor-detail" data-testid="sensor-detail-${s.foot}">${esc(s.foot)} clip: ${esc(s.detail)}</span>` : '')).join('');
    const [cue, ...others] = liveCues(t);
    const banner = cue ? `<div class="cue-banner ${esc(cue.kind)}" data-testid="tile-cue" data-kind="${esc(cue.kind)}">${esc(cue.message)}
      <small>${clock(cue.timeS)} · ${esc(measureWords(cue.measurement))} ${num(cue.value, 2)}${cue.baseline == null ? '' : ' (usual ' + num(cue.baseline, 2) + ')'}</small>${cueDetail(cue, 'tile-cue-detail')}</div>` : '';
    const link = t.sessionId == null ? '' : ` <a href="#/session/${t.sessionId}" class="small">session ${sessionLabel(t.sessionId, t.gateway)}</a>`;
    return `<article class="tile" data-testid="tile" data-runner="${esc(t.runner)}">
      <h2><span class="runner">${esc(t.runner)}</span> <span class="gait ${esc(t.gait)}" data-testid="gait">${esc(t.gait)}</span>
        <span class="small muted">${clock(t.sessionTimeS)} · ${num((t.distanceM ?? 0) / 1000, 2)} km${t.plan ? ' · ' + esc(t.plan) : ''}</span>${link}</h2>
      <div class="metrics">
        <div class="metric"><div class="l">Cadence</div><span class="v" data-testid="cadence">${num(t.cadenceSpm)}</span><span class="u">steps/min</span></div>
        <div class="metric"><div class="l">Pace</div><span class="v" data-testid="pace">${pace(t.paceSPerKm)}</span><span class="u">/km</span></div>
        <div class="metric"><div class="l">Stride (2 steps)</div><span class="v" data-testid="stride-length">${num(t.strideLengthM, 2)}</span><span class="u">m</span></div>
        <div class="metric"><div class="l">Contact time</div><span class="v" data-testid="contact-time">${t.contactTimeS == null ? '–' : num(t.contactTimeS * 1000)}</span><span class="u">ms</span></div>
        <div class="metric"><div class="l">Strike</div><span class="v" data-testid="strike" style="font-size:1.15rem">${esc(t.strikePattern || '–')}</span><span class="u">${num(t.strikeAngleDeg, 1)}°</span></div>
        <div class="metric"><div class="l">Speed</div><span class="v">${num(t.speedMps, 2)}</span><span class="u">m/s</span></div>
      </div>
      ${gauge('Overstride (landing ahead)', osIdx == null ? '–' : `index ${num(osIdx, 1)} (flag at 2) · ${num((t.overstrideFraction ?? 0) * 100)} % flagged`,
        osIdx == null ? 0 : osIdx / 4, osCls, 2 / 4, 'overstride-gauge')}
      ${gauge('Calf load vs usual', calf == null ? (t.baselineReady ? '–' : 'measuring usual…') : `${num(calf)} % · ${num(t.calfLoadPerMin)} /min`,
        calf == null ? 0 : calf / 200, calfCls, 130 / 200, 'calf-gauge')}
      ${balance}
      <div class="sensors">${sensors}</div>
      ${banner}
      ${others.length ? `<ul class="tile-cues">${others.map(o => `<li data-testid="tile-other-cue" data-kind="${esc(o.kind)}"><span class="t">${clock(o.timeS)}</span> ${esc(o.message)}</li>`).join('')}</ul>` : ''}
    </article>`;
  }).join('');
}

const cueKey = (c) => c.runner + '|' + c.kind + '|' + Math.round(c.timeS * 10);

// The stored cues of the sessions on the board (GET /api/live/cues, newest first); the stream adds new ones.
async function loadCues() {
  const stored = await getJson('/api/live/cues');
  const seen = new Set(state.cues.map(cueKey));
  for (const c of stored.slice().reverse()) if (!seen.has(cueKey(c))) addCue(c, true);
  state.cuesLoaded = stored.length;
  renderCues();
}

function addCue(c, quiet) {
  if (state.cues.some(x => cueKey(x) === cueKey(c))) return;
  state.cues.unshift(c);
  state.cues.length = Math.min(state.cues.length, 50);
  if (!quiet) renderCues();
}

function renderCues() {
  $('cue-log').innerHTML = state.cues.map(x => `<li data-testid="cue" data-kind="${esc(x.kind)}"><span class="t">${esc(x.runner)} ${clock(x.timeS)}</span> ${esc(x.message)}
    <span class="muted small">(${esc(measureWords(x.measurement))} ${num(x.value, 2)}${x.baseline == null ? '' : ', usual ' + num(x.baseline, 2)})</span>${cueDetail(x, 'cue-detail')}</li>`).join('');
}

// Central mode: a session's id is its gateway's hash above the gateway's own id (InfluxSessionReader.CentralId), a
// 16-digit number; show "gateway #id" as the gateway's own dashboard would number it.
function sessionLabel(id, gateway) { return gateway ? `${esc(gateway)} #${id % 4294967296}` : String(id); }

// A cue's measurement in plain words (issue 14: cue lines showed the raw field name, "calf_load_per_min").
const MEASURES = {
  overstride_index: 'overstriding index',
  calf_load_per_min: 'calf load per minute',
  contact_time_asymmetry_pct: 'left/right contact time difference, %',
  step_length_asymmetry_pct: 'left/right step length difference, %',
  battery_pct: 'battery, %',
};
function measureWords(m) { return MEASURES[m] ?? String(m ?? '').replaceAll('_', ' '); }

// A cue's explanation in a coach's words (issue 12), under the runner's words.
function cueDetail(c, testId) {
  return c.detail ? `<div class="muted small cue-detail" data-testid="${testId}">coach: ${esc(c.detail)}</div>` : '';
}

// ------------------------------------------------------------------ sessions
async function showSessions() {
  const list = await getJson('/api/sessions');
  $('session-rows').innerHTML = list.map(s => `<tr data-testid="session-row" data-id="${s.id}"><td>${sessionLabel(s.id, s.gateway)}</td><td><a href="#/history/${encodeURIComponent(s.runner)}">${esc(s.runner)}</a></td>
    <td><a href="#/session/${s.id}">${esc(s.name)}</a>${s.live ? ' <span class="badge small">live</span>' : ''}</td><td>${esc(s.plan ?? '')}</td><td>${dateTime(s.startedUtc)}</td>
    <td>${clock(s.durationS)}</td><td>${num((s.distanceM ?? 0) / 1000, 2)} km</td><td>${s.strideCount}</td><td><a href="/api/sessions/${s.id}/export.tcx">TCX</a> <a href="/api/sessions/${s.id}/export.fit">FIT</a></td></tr>`).join('');
  labelCells($('session-rows'));
}

// Shades x-ranges behind the data: bouts, overstriding and calf-load stretches.
const bandsPlugin = {
  id: 'bands',
  beforeDatasetsDraw(chart, _args, opts) {
    const { ctx, chartArea: a, scales: { x } } = chart;
    if (!opts.bands || !x) return;
    ctx.save();
    for (const b of opts.bands) {
      const x0 = Math.max(a.left, x.getPixelForValue(b.from)), x1 = Math.min(a.right, x.getPixelForValue(b.to));
      if (x1 <= x0) continue;
      ctx.fillStyle = b.color;
      const top = b.lane === 'top' ? a.top : b.lane === 'bottom' ? a.bottom - (a.bottom - a.top) * 0.5 : a.top;
      const h = b.lane ? (a.bottom - a.top) * 0.5 : a.bottom - a.top;
      ctx.fillRect(x0, top, Math.max(2, x1 - x0), h);
    }
    ctx.restore();
  },
};
Chart.register(bandsPlugin);
Chart.defaults.animation = false;
Chart.defaults.maintainAspectRatio = false;

// What "calf load" means, wherever it is shown (the index is ours, so say it in plain words).
const CALF_NOTE = 'Calf load: every step is scored against a typical easy running step (about 2.6 body weights of peak force) = 1, '
  + 'cubed, so one hard step counts as several easy ones (tendon fatigue grows faster with load than with steps). '
  + 'Per minute on the tiles; 100 % = this runner\'s usual load per minute, measured in the first steady running minute.';
document.querySelectorAll('.calf-note').forEach(p => { p.textContent = CALF_NOTE; });

// A session-time axis in m:ss (h:mm:ss past an hour) with round steps.
function timeAxis(durationS) {
  const step = [15, 30, 60, 120, 300, 600, 900, 1800].find(s => durationS / s <= 8) ?? 3600;
  return { type: 'linear', min: 0, title: { display: true, text: 'session time (m:ss)' }, ticks: { stepSize: step, callback: v => clock(v) } };
}

// Centred moving average over windowS of session time, per foot merged: the line drawn over the per-stride dots.
function smooth(points, windowS = 10) {
  const pts = points.filter(p => p.y != null && isFinite(p.y));
  const out = [];
  let lo = 0, hi = 0, sum = 0;
  for (const p of pts) {
    while (hi < pts.length && pts[hi].x <= p.x + windowS / 2) sum += pts[hi++].y;
    while (pts[lo].x < p.x - windowS / 2) sum -= pts[lo++].y;
    out.push({ x: p.x, y: sum / (hi - lo) });
  }
  return out;
}

// Dots per stride behind a smoothed line, both on one axis.
function dotsAndLine(label, points, color, axis = 'y') {
  return [
    { type: 'line', label: label + ' (10-s average)', data: smooth(points), yAxisID: axis, borderColor: color, borderWidth: 2, pointRadius: 0, order: 0 },
    { type: 'scatter', label: label + ' (per stride)', data: points, yAxisID: axis, pointRadius: 1.5, pointBackgroundColor: color + '55', borderColor: color + '55', order: 1 },
  ];
}

function chart(id, config) {
  state.charts[id]?.destroy();
  state.charts[id] = new Chart($(id), config);
  return state.charts[id];
}

async function showSession(id) {
  const [s, strides, bouts, analysis] = await Promise.all([
    getJson('/api/sessions/' + id), getJson('/api/sessions/' + id + '/strides'), getJson('/api/sessions/' + id + '/bouts'), getJson('/api/sessions/' + id + '/analysis')]);
  $('session-title').textContent = `${s.name} — ${s.runner}`;
  $('session-summary').textContent = `${dateTime(s.startedUtc)} · ${clock(s.durationS)} · ${num((s.distanceM ?? 0) / 1000, 2)} km · ${strides.length} strides · ${bouts.length} bouts${s.plan ? ' · plan ' + s.plan : ''}`;
  $('tcx-link').href = '/api/sessions/' + id + '/export.tcx';
  $('fit-link').href = '/api/sessions/' + id + '/export.fit';
  const sorted = strides.slice().sort((a, b) => a.icTimeS - b.icTimeS);
  const bands = bouts.map(b => ({ from: b.startTimeS, to: b.endTimeS, color: b.gait === 'run' ? 'rgba(37,99,235,.07)' : 'rgba(22,163,74,.08)' }))
    .concat(analysis.stretches.map(r => ({ from: r.startS, to: r.endS, lane: r.kind === 'overstride' ? 'top' : 'bottom',
      color: r.kind === 'overstride' ? 'rgba(220,38,38,.25)' : 'rgba(245,158,11,.32)' })));
  const xScale = timeAxis(s.durationS || (sorted.length ? sorted[sorted.length - 1].icTimeS : 60));
  const c = chart('strideChart', {
    type: 'scatter',
    data: { datasets: [
      { label: 'braking cue of overstriding (per stride; red = inside a flagged stretch)', data: sorted.map(p => ({ x: p.icTimeS, y: p.overstrideIndex })), yAxisID: 'y', order: 1,
        pointRadius: sorted.map(p => p.overstride ? 3 : 2), pointBackgroundColor: sorted.map(p => p.overstride ? '#dc2626' : '#94a3b8'), borderColor: '#94a3b8' },
      { type: 'line', label: 'overstride index (10-s average)', data: smooth(sorted.map(p => ({ x: p.icTimeS, y: p.overstrideIndex }))), yAxisID: 'y', order: 0,
        borderColor: '#475569', borderWidth: 2, pointRadius: 0 },
      ...dotsAndLine('calf load', sorted.map(p => ({ x: p.icTimeS, y: p.calfLoad })), '#f59e0b', 'y2'),
    ] },
    options: { plugins: { bands: { bands }, title: { display: true, text: 'Overstriding (red = flagged stride) and calf load' } },
      scales: { x: xScale, y: { title: { display: true, text: 'overstride index' } }, y2: { position: 'right', grid: { drawOnChartArea: false }, title: { display: true, text: 'calf load per stride (easy step = 1)' } } } },
  });
  state.strideChartPoints = c.data.datasets[0].data.length;
  // Pace, as a runner reads it: min/km, faster up. Strides slower than 20:00/km (standing, turning) are left out.
  const pacePts = sorted.filter(p => p.speedMps > 1000 / 1200).map(p => ({ x: p.icTimeS, y: 1000 / p.speedMps }));
  chart('paceChart', {
    type: 'scatter',
    data: { datasets: dotsAndLine('pace', pacePts, '#2563eb') },
    options: { plugins: { bands: { bands }, title: { display: true, text: 'Pace (min/km)' } },
      scales: { x: xScale, y: { reverse: true, title: { display: true, text: 'min/km' }, ticks: { stepSize: 60, maxTicksLimit: 10, callback: v => pace(v) } } } },
  });
  chart('cadenceChart', {
    type: 'scatter',
    data: { datasets: [
      ...dotsAndLine('cadence (steps/min)', sorted.map(p => ({ x: p.icTimeS, y: p.cadenceSpm })), '#7c3aed'),
      ...dotsAndLine('stride, 2 steps (m)', sorted.map(p => ({ x: p.icTimeS, y: p.strideLengthM })), '#16a34a', 'y2'),
    ] },
    options: { plugins: { bands: { bands }, title: { display: true, text: 'Cadence and stride (2 steps; a watch shows one step, half of it)' } },
      scales: { x: xScale, y: { title: { display: true, text: 'steps/min' } }, y2: { position: 'right', grid: { drawOnChartArea: false }, title: { display: true, text: 'm' } } } },
  });
  renderLaps(bouts);
  chart('boutChart', {
    type: 'bar',
    data: { labels: bouts.map((b, i) => `${i + 1}. ${b.gait} ${clock(b.durationS)}`), datasets: [
      { label: 'calf load per minute', data: bouts.map(b => b.calfLoadPerMin), backgroundColor: bouts.map(b => b.gait === 'run' ? '#f59e0b' : '#fcd34d'), yAxisID: 'y' },
      { label: 'overstriding strides (%)', data: bouts.map(b => b.overstrideFraction == null ? null : b.overstrideFraction * 100), backgroundColor: '#dc2626', yAxisID: 'y2' },
    ] },
    options: { plugins: { title: { display: true, text: 'Per bout' } },
      scales: { y: { title: { display: true, text: 'calf load / min' } }, y2: { position: 'right', min: 0, max: 100, grid: { drawOnChartArea: false }, title: { display: true, text: '% overstriding' } } } },
  });
  $('session-cues').innerHTML = analysis.cues.length ? analysis.cues.map(x => `<li data-testid="session-cue" data-kind="${esc(x.kind)}"><span class="t">${clock(x.timeS)}</span> ${esc(x.message)}
    <span class="muted small">(${esc(measureWords(x.measurement))} ${num(x.value, 2)}${x.baseline == null ? '' : ', usual ' + num(x.baseline, 2)})</span>${cueDetail(x, 'session-cue-detail')}</li>`).join('') : '<li class="muted none">No cues on this session.</li>';
}

// One lap per walk/run bout, as Garmin Connect lists laps.
function renderLaps(bouts) {
  $('lap-rows').innerHTML = bouts.map((b, i) => {
    const speed = b.speedMps ?? (b.distanceM != null && b.durationS > 0 ? b.distanceM / b.durationS : null);
    return `<tr data-testid="lap-row"><td>${i + 1}</td><td><span class="gait-word ${esc(b.gait)}">${esc(b.gait)}</span></td><td>${clock(b.startTimeS)}</td>
      <td data-testid="lap-duration">${clock(b.durationS)}</td><td>${b.distanceM == null ? '–' : num(b.distanceM / 1000, 2) + ' km'}</td>
      <td data-testid="lap-pace">${speed ? pace(1000 / speed) + ' /km' : '–'}</td><td>${num(b.cadenceSpm)} spm</td><td>${num(b.strideLengthM, 2)} m</td>
      <td>${b.contactTimeS == null ? '–' : num(b.contactTimeS * 1000) + ' ms'}</td><td>${esc(b.strikePattern || '–')}</td>
      <td>${b.overstrideFraction == null ? '–' : num(b.overstrideFraction * 100) + ' %'}</td>
      <td>${num(b.calfLoad)} <span class="small muted">(${num(b.calfLoadPerMin)}/min)</span></td></tr>`;
  }).join('');
  labelCells($('lap-rows'));
}

// Acute:chronic per week: the week against the mean of up to four weeks before it (uncoupled); null without history.
function acuteChronic(weeks, key) {
  return weeks.map((w, i) => {
    const prev = weeks.slice(Math.max(0, i - 4), i).map(x => x[key]);
    const chronic = prev.length ? prev.reduce((a, b) => a + b, 0) / prev.length : 0;
    return prev.length >= 2 && chronic > 0 ? w[key] / chronic : null;
  });
}

// ------------------------------------------------------------------ history
async function showHistory(runner) {
  const runners = await getJson('/api/runners');
  const sel = $('history-runner');
  sel.innerHTML = runners.map(r => `<option>${esc(r)}</option>`).join('');
  if (!runner) runner = runners[0];
  if (!runner) return;
  sel.value = runner;
  const week = $('c25k-week').value, run = $('c25k-run').value;
  const q = week && run ? `?week=${week}&run=${run}` : '';
  const h = await getJson('/api/history/' + encodeURIComponent(runner) + q);
  const warn = $('spike-warning');
  warn.hidden = !h.warning;
  warn.textContent = h.warning ?? '';
  warn.dataset.band = h.latest?.spikeBand ?? 'none';
  const c = h.latest?.c25k;
  $('c25k-status').hidden = !c;
  if (c) {
    const ahead = c.longestAbovePlan || c.risesFasterThanPlan;
    // "On plan" only when the planned run was run (within 10 %): 3.0 of 10 planned minutes is short of it.
    const short = !ahead && c.actualLongestRunS < c.planned.longestRunMin * 60 * 0.9;
    const rise = c.actualRisePct == null ? 'there is no earlier session to compare with' : `yours ${num(c.actualRisePct)} %`;
    $('c25k-status').innerHTML = `Couch to 5K <b>${esc(c.planned.label)}</b> (${esc(c.planned.intervals)}): longest run planned ${num(c.planned.longestRunMin, 1)} min, you ran
      <b>${num(c.actualLongestRunS / 60, 1)} min</b>. Plan step ${num(c.planRisePct)} %, ${rise} —
      <b data-testid="c25k-verdict">${ahead ? 'faster than the plan' : short ? 'short of the plan' : 'on plan'}</b>.`;
  }
  chart('weekChart', {
    type: 'bar',
    data: { labels: h.weeks.map(w => 'wk ' + w.weekStart + (w.fastIncrease ? ' ▲' : '')), datasets: [
      { label: 'calf load', data: h.weeks.map(w => w.calfLoad), backgroundColor: h.weeks.map(w => w.maxSpike === 'none' ? '#f59e0b' : '#dc2626'), yAxisID: 'y' },
      { label: 'running time (min)', type: 'line', order: -1, pointRadius: 4, data: h.weeks.map(w => w.runningTimeS / 60), borderColor: '#2563eb', backgroundColor: '#2563eb', yAxisID: 'y2' },
    ] },
    options: { plugins: { title: { display: true, text: 'Weekly calf load (red: a session spiked) and running time (▲ +30 % week)' } },
      scales: { y: { title: { display: true, text: 'calf load' } }, y2: { position: 'right', grid: { drawOnChartArea: false }, title: { display: true, text: 'min' } } } },
  });
  chart('trendChart', {
    type: 'line',
    data: { labels: h.weeks.map(w => 'wk ' + w.weekStart), datasets: [
      { label: 'running time, acute:chronic', data: acuteChronic(h.weeks, 'runningTimeS'), borderColor: '#2563eb', backgroundColor: '#2563eb', spanGaps: true },
      { label: 'calf load, acute:chronic', data: acuteChronic(h.weeks, 'calfLoad'), borderColor: '#f59e0b', backgroundColor: '#f59e0b', spanGaps: true },
      { label: '1.5', data: h.weeks.map(() => 1.5), borderColor: '#dc2626', borderDash: [5, 4], pointRadius: 0, borderWidth: 1 },
    ] },
    options: { plugins: { title: { display: true, text: 'Load trend: week vs the 4 weeks before (1 = as usual)' } },
      scales: { y: { min: 0, title: { display: true, text: 'ratio' } } } },
  });
  $('history-rows').innerHTML = h.sessions.slice().reverse().map(s => {
    const lr = s.longestRun, cl = s.calfLoadSpike;
    const detail = [lr.band !== 'none' ? `longest run +${num(lr.increasePct)} %` : '', cl.band !== 'none' ? `calf load +${num(cl.increasePct)} %` : ''].filter(Boolean).join(', ');
    return `<tr data-testid="history-row" data-id="${s.id}"><td>${dateTime(s.startedUtc)}</td><td><a href="#/session/${s.id}">${esc(s.name)}</a></td><td>${esc(s.plan ?? '')}</td>
      <td>${clock(s.longestRunS)}</td><td>${clock(s.runningTimeS)}</td><td>${num(s.calfLoad)}</td>
      <td><span class="badge ${s.spikeBand === '>100%' ? 'large' : s.spikeBand === '30-100%' ? 'moderate' : s.spikeBand === '10-30%' ? 'small' : 'none'}" data-testid="spike-badge" data-band="${esc(s.spikeBand)}">${esc(s.spikeBand)}</span>
      <span class="small muted">${detail}${s.hazardRatio > 1 ? ' · HR ' + num(s.hazardRatio, 2) : ''}</span></td></tr>`;
  }).join('');
  labelCells($('history-rows'));
}
$('history-runner').addEventListener('change', () => { location.hash = '#/history/' + encodeURIComponent($('history-runner').value); });
for (const id of ['c25k-week', 'c25k-run']) $(id).addEventListener('change', () => showHistory($('history-runner').value));
$('c25k-week').innerHTML += [1, 2, 3, 4, 5, 6, 7, 8, 9].map(w => `<option>${w}</option>`).join('');

// ------------------------------------------------------------------ C25K
async function showC25k() {
  const plan = await getJson('/api/c25k');
  $('c25k-rows').innerHTML = plan.map(r => `<tr><td>${r.week}</td><td>${r.run}</td><td>${esc(r.intervals)}</td><td>${num(r.longestRunMin, 1)} min</td><td>${num(r.totalRunMin, 1)} min</td></tr>`).join('');
  labelCells($('c25k-rows'));
}

start();
