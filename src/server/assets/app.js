/*
 * enrollguard dashboard: live rows over Server-Sent Events.
 *
 * The server renders every page; this script only keeps it current. It
 * writes device data with textContent and never with innerHTML, so
 * whatever a device sends stays text.
 */
'use strict';

/* The states' labels come from the server (core/fleetstate.c), in the page. */
const LABELS = {};
for (const s of JSON.parse(document.body ? document.body.dataset.states || '[]' : '[]'))
  LABELS[s.name] = s.label;

function ago(ms) {
  const s = Math.max(0, Math.floor((Date.now() - ms) / 1000));
  if (s < 60) return s + ' s';
  if (s < 3600) return Math.floor(s / 60) + ' min ' + (s % 60) + ' s';
  return Math.floor(s / 3600) + ' h ' + Math.floor((s % 3600) / 60) + ' min';
}

function cell(tr, cls) {
  return tr.querySelector('td.' + cls);
}

function buildRow(serial) {
  const tr = document.createElement('tr');
  tr.dataset.serial = serial;
  for (const cls of ['serial', 'model', 'os', 'state', 'attempt', 'temp',
                     'pressure', 'since', 'finding']) {
    const td = document.createElement('td');
    td.className = cls;
    tr.appendChild(td);
  }
  const a = document.createElement('a');
  a.href = '/devices/' + encodeURIComponent(serial);
  a.textContent = serial;
  const name = document.createElement('div');
  name.className = 'name';
  cell(tr, 'serial').append(a, name);
  const label = document.createElement('span');
  label.className = 'label';
  const detail = document.createElement('div');
  detail.className = 'detail';
  cell(tr, 'state').append(label, detail);
  return tr;
}

function fillRow(tr, d) {
  tr.className = 's-' + d.state;
  tr.dataset.since = String(Date.parse(d.state_since));
  tr.querySelector('.name').textContent = d.name;
  cell(tr, 'model').textContent = d.model;
  cell(tr, 'os').textContent = d.os + (d.build ? ' (' + d.build + ')' : '');
  tr.querySelector('.label').textContent = LABELS[d.state] || d.state;
  tr.querySelector('.detail').textContent = d.detail;
  cell(tr, 'attempt').textContent = d.attempt ? String(d.attempt) : '';
  cell(tr, 'temp').textContent = d.cpu_die_c === null ? '' : d.cpu_die_c.toFixed(1);
  cell(tr, 'pressure').textContent = d.thermal_pressure;
  cell(tr, 'finding').textContent = d.finding;
  cell(tr, 'since').textContent = ago(Number(tr.dataset.since));
  tr.classList.remove('flash');
  void tr.offsetWidth; /* restart the highlight */
  tr.classList.add('flash');
}

function matches(main, d) {
  const state = main.dataset.state, q = main.dataset.q.toLowerCase();
  if (state && d.state !== state) return false;
  if (q && !d.serial.toLowerCase().includes(q) && !d.name.toLowerCase().includes(q))
    return false;
  return true;
}

function onDeviceFleet(d) {
  const main = document.querySelector('main');
  const body = document.querySelector('#devices tbody');
  let tr = null;
  for (const r of body.rows) if (r.dataset.serial === d.serial) tr = r;
  if (!tr && matches(main, d) && main.dataset.offset === '0') {
    tr = buildRow(d.serial);
    let before = null;
    for (const r of body.rows) if (!before && r.dataset.serial > d.serial) before = r;
    body.insertBefore(tr, before);
  }
  if (tr) fillRow(tr, d);
  scheduleCounts();
}

let countsTimer = null;
function scheduleCounts() {
  if (countsTimer) return;
  countsTimer = setTimeout(async () => {
    countsTimer = null;
    const res = await fetch('/api/v1/devices?limit=1', { credentials: 'same-origin' });
    if (!res.ok) return;
    const j = await res.json();
    let all = 0;
    for (const [state, n] of Object.entries(j.counts)) {
      const b = document.getElementById('count-' + state);
      if (b) b.textContent = String(n);
      all += n;
    }
    const b = document.getElementById('count-all');
    if (b) b.textContent = String(all);
  }, 500);
}

function tick() {
  for (const tr of document.querySelectorAll('#devices tbody tr')) {
    const td = cell(tr, 'since');
    if (td) td.textContent = ago(Number(tr.dataset.since));
  }
}

function connect() {
  const live = document.getElementById('live');
  const page = document.body.dataset.page;
  const es = new EventSource('/api/v1/stream');
  es.onopen = () => { live.textContent = 'live'; live.className = 'live on'; };
  es.onerror = () => { live.textContent = 'reconnecting'; live.className = 'live off'; };
  es.addEventListener('reload', () => location.reload());
  es.addEventListener('device', (ev) => {
    const d = JSON.parse(ev.data);
    if (page === 'fleet') onDeviceFleet(d);
    else if (page === 'device' && document.getElementById('device').dataset.serial === d.serial)
      setTimeout(() => location.reload(), 300);
  });
}

document.addEventListener('DOMContentLoaded', () => {
  if (!document.getElementById('live')) return;
  tick();
  setInterval(tick, 1000);
  connect();
});
