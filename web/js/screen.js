// The war-room screen (作战大屏, /screen.html): a 1920×1080 canvas scaled to the wall (screen-fit.js), the city map
// with wall-sized markers in the middle, panels either side (screen-panels.js), an auto-tour of the districts
// (screen-tour.js), data refreshed in place every minute with a stale notice while the server is unreachable.
// Settings in the address: ?tour=<seconds per stop, 0 = off>&refresh=<seconds>&district=<pinned>&month=YYYY-MM;
// #token=<API token> for deployments without anonymous read (kept in sessionStorage, removed from the address).
import { api, assessmentApi, problemsApi, useToken } from './api.js';
import { initI18n, setMeta, t, nameOf, fmtInt, fmtPct } from './i18n.js';
import './i18n-progress.js';
import './i18n-screen.js';
import { createMap } from './map.js';
import { fetchAreaLayers, loadAreaLayers } from './layers.js';
import { createProjectLayer } from './markers.js';
import { fitCanvas } from './screen-fit.js';
import { createTour } from './screen-tour.js';
import { createPanels } from './screen-panels.js';
import { placeLabels } from './label-place.js';
import { h, fill } from './dom.js';

const $ = (id) => document.getElementById(id);
const MARKER_SCALE = 2; // markers and clusters in design pixels: a 14-px dot is invisible from the back of the room
const TOKEN_KEY = 'warroom_screen_token';

let resolveReady;
const ready = new Promise((r) => { resolveReady = r; });
const screenState = { ready, refreshes: 0, failures: 0, stale: false };
window.warroomScreen = screenState;

function settings() {
  const q = new URLSearchParams(location.search);
  const num = (k, d, min) => { const v = Number(q.get(k)); return q.has(k) && Number.isFinite(v) ? Math.max(min, v) : d; };
  return { tour: num('tour', 20, 0), refresh: num('refresh', 60, 1), district: q.get('district') || null, month: q.get('month') || null };
}

function takeToken() {
  const hash = new URLSearchParams(location.hash.slice(1));
  let token = hash.get('token');
  try {
    if (token) { sessionStorage.setItem(TOKEN_KEY, token); history.replaceState(null, '', location.pathname + location.search); }
    token = token || sessionStorage.getItem(TOKEN_KEY);
  } catch { /* private mode: the token lives in this page only */ }
  if (token) useToken(token);
}

/** The assessment (考核) league of the month's districts, or null (the ranking then falls back to completion). */
async function assessmentRanking(month) {
  try {
    const a = await assessmentApi.league(month, 'district');
    const rows = (a.units || []).map((u) => ({ name: u.name, score: Number(u.score) }))
      .filter((r) => r.name && Number.isFinite(r.score)).sort((x, y) => y.score - x.score);
    return rows.length ? { rows, period: a.period || month } : null;
  } catch { return null; }
}

/** The dashboard's figures for the month (the server's latest when none is set), then what else the panels show. */
async function fetchAll(opts) {
  const data = await api.dashboard(opts.month);
  const month = data.month;
  const [fc, problems, wall, ranking] = await Promise.all([
    api.projects({ month }),
    problemsApi.list({ month }).catch(() => null),
    api.photoWall({ month, perProject: 2 }).catch(() => null),
    assessmentRanking(month),
  ]);
  return { data, problems, features: fc.features || [], wall, ranking };
}

/** What the markers show of the projects: a refresh that changes none of it redraws nothing. */
function signature(features) {
  return features.map((f) => `${f.properties.id}:${f.properties.light}:${f.geometry.coordinates}`).join('|');
}

async function boot() {
  takeToken();
  initI18n();
  const opts = settings();
  // Everything the first frame needs is asked at once: meta, the area layers and the figures.
  const layersData = fetchAreaLayers();
  const firstData = fetchAll(opts);
  for (const p of [layersData, firstData]) p.catch(() => {}); // awaited below; a failure there is the boot's error
  const meta = await api.meta();
  setMeta(meta);
  document.title = t('screen.title');

  let fit = null;
  let current = null; // {data, problems, features, wall, ranking, focus}
  let focus = opts.district;
  let lastGood = null;
  const ratio = () => (window.devicePixelRatio || 1) * (fit ? fit.scale : 1);
  const map0 = createMap($('sc-map'), meta);
  const { map } = map0;
  map.zoomControl.remove();
  const markers = createProjectLayer(map, meta, { onSelect: () => {}, isInteractive: () => false, scale: MARKER_SCALE, pixelRatio: ratio });
  markers.setMode('light');
  markers.layer.addTo(map);
  const panels = createPanels(meta);
  fitCanvas($('screen'), (c) => {
    fit = c;
    map.invalidateSize({ animate: false });
    map.fire('viewreset'); // the markers' canvas takes the new resolution
    if (current) panels.render(current, ratio());
  });
  const areas = await loadAreaLayers(map, meta, map0.basemapKind, layersData);

  function renderFocus() {
    if (!current) return;
    const g = focus ? (current.data.by_district || []).find((x) => x.name === focus) : current.data.headline;
    fill($('sc-focus'), h('span', { class: 'sc-focus-name' }, focus ? nameOf(focus) : t('screen.city')),
      g && h('span', { class: 'sc-focus-sub' }, `${t('screen.projects', { n: fmtInt(g.count) })} · ${t('screen.kpi.rate')} ${fmtPct(g.completion_rate)}`));
    $('sc-focus').dataset.focus = focus || '';
    $('sc-asof').textContent = t('screen.asOf', { m: current.data.month });
    $('sc-asof').dataset.month = current.data.month;
  }

  function show(next) {
    current = { ...next, focus };
    panels.render(current, ratio());
    renderFocus();
  }

  function fly(name) {
    const b = name ? areas.districtBounds(name) : map0.cityBounds;
    if (!b) return;
    const seconds = opts.tour ? Math.min(1.5, opts.tour * 0.4) : 0;
    areas.highlightDistrict(name);
    if (seconds) map.flyToBounds(b, { ...map0.fitOptions(), duration: seconds });
    else map.fitBounds(b, { ...map0.fitOptions(), animate: false });
  }

  // District names would sit under the wall-sized clusters or on each other: each moves to the nearest clear place
  // (js/label-place.js). Every label is measured before any moves, so the page is laid out once, not per label.
  function declutter() {
    const circles = [];
    markers.layer.eachLayer((l) => { const p = map.latLngToContainerPoint(l.getLatLng()); circles.push([p.x, p.y, l.getRadius()]); });
    const k = fit ? fit.scale : 1;
    const labels = [...map.getContainer().querySelectorAll('.district-label')];
    for (const el of labels) { el.style.marginTop = '0px'; el.style.marginLeft = '0px'; }
    const box = map.getContainer().getBoundingClientRect();
    const rects = labels.map((el) => {
      const r = el.getBoundingClientRect();
      return { left: (r.left - box.left) / k, right: (r.right - box.left) / k, top: (r.top - box.top) / k, bottom: (r.bottom - box.top) / k };
    });
    placeLabels(rects, circles).forEach(([dx, dy], n) => {
      if (dx) labels[n].style.marginLeft = `${Math.round(dx)}px`;
      if (dy) labels[n].style.marginTop = `${Math.round(dy)}px`;
    });
  }
  map.on('moveend', declutter);

  const first = await firstData;
  markers.setData(first.features);
  // What is not real says so on the wall too: the data's own flags, not a fixed sentence.
  const [dist, zones, bases] = await layersData;
  const schematic = [dist, zones, bases].some((fc) => fc.features.some((f) => f.properties.schematic));
  const demo = first.features.some((f) => f.properties.demo);
  const note = [schematic && t('screen.noteSchematic'), demo && t('screen.noteDemo')].filter(Boolean);
  $('sc-note').hidden = !note.length;
  $('sc-note').textContent = note.join(' · ');
  declutter();
  let markerSig = signature(first.features);
  lastGood = new Date();
  show(first);

  // The tour: the city, then each district with projects; ?district= pins one, ?tour=0 keeps the city.
  const stops = [null, ...(meta.districts || []).map((d) => d.name).filter((n) => areas.districtBounds(n))];
  let tour = null;
  const tourEl = $('sc-tour');
  if (focus) {
    fly(focus);
    tourEl.textContent = t('screen.pinned', { d: nameOf(focus) });
  } else if (opts.tour > 0) {
    tour = createTour({
      stops, interval: opts.tour * 1000,
      onStop: (name) => { focus = name; fly(name); if (current) show(current); screenState.stops = (screenState.stops || 0) + 1; },
      onState: ({ paused }) => {
        tourEl.textContent = paused ? t('screen.tourPaused') : t('screen.tourOn', { s: opts.tour });
        tourEl.dataset.paused = paused ? '1' : '0';
      },
    });
  } else {
    fly(null);
  }
  screenState.tour = tour;
  screenState.focus = () => focus;
  screenState.current = () => current;

  // Refresh in place: same tour position, same focus; on failure keep the last figures and say how old they are.
  let refreshTimer = null;
  const staleEl = $('sc-stale');
  async function refresh() {
    try {
      const next = await fetchAll(opts);
      const sig = signature(next.features);
      if (sig !== markerSig) { markers.setData(next.features); markerSig = sig; declutter(); } // unchanged: keep the drawn markers
      show(next);
      lastGood = new Date();
      screenState.refreshes += 1;
      performance.clearResourceTimings(); // a wall runs for days: the browser's timing buffer need not fill up
      if (screenState.stale) { screenState.stale = false; staleEl.hidden = true; document.body.dataset.stale = '0'; }
    } catch (err) {
      screenState.failures += 1;
      screenState.stale = true;
      staleEl.textContent = t('screen.stale', { t: lastGood.toLocaleTimeString('zh-CN', { hour12: false }) });
      staleEl.hidden = false;
      document.body.dataset.stale = '1';
    }
    clearTimeout(refreshTimer);
    refreshTimer = setTimeout(refresh, opts.refresh * 1000);
  }
  refreshTimer = setTimeout(refresh, opts.refresh * 1000);

  // Kiosk: a double click (or the browser's --kiosk / F11) fills the wall; browsers allow it only after a gesture.
  document.addEventListener('dblclick', () => { if (!document.fullscreenElement) document.documentElement.requestFullscreen?.().catch(() => {}); });

  const clock = $('sc-clock');
  const tick = () => { clock.textContent = new Date().toLocaleString('zh-CN', { hour12: false, month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' }); };
  tick();
  setInterval(tick, 10_000);

  // The first complete frame: map, markers and every panel drawn (read by tests and bench/screen_soak.py).
  requestAnimationFrame(() => requestAnimationFrame(() => {
    performance.mark('screen-complete');
    document.body.dataset.ready = '1';
    resolveReady(screenState);
  }));
  screenState.map = map;
  screenState.markers = markers;
  screenState.panels = panels;
}

boot().catch((err) => {
  document.body.dataset.ready = 'error';
  fill($('sc-stale'), String(err && err.message ? err.message : err));
  $('sc-stale').hidden = false;
  resolveReady(screenState);
});
