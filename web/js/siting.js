// The siting-check page (落位核查): paste points or drop a CSV/Excel file, see each point's district, zones and
// bases (or nearest base) in a table and on the map, download the same answer as Excel. All data via api.js.
import * as L from 'leaflet';
import { api, plannerApi } from './api.js';
import { t, initI18n, onLangChange, toggleLang, setMeta, nameOf, fmtDistance, getLang } from './i18n.js';
import { showError } from './toast.js';
import { h, fill } from './dom.js';
import { hoverTooltip } from './map-text.js';
import { mountUserBox } from './auth.js'; // the header's user box, as on every page

const $ = (id) => document.getElementById(id);
/** Lines "lon, lat[, name]" -> {points, bad} (bad: 1-based line numbers that hold no two numbers). */
export function parsePasted(text) {
  const points = [];
  const bad = [];
  String(text).split(/\r?\n/).forEach((line, i) => {
    if (!line.trim()) return;
    const parts = line.replace(/[，、;；\t]/g, ',').split(',').map((s) => s.trim()).filter(Boolean);
    const nums = parts.slice(0, 2).map(Number);
    if (parts.length < 2 || nums.some((n) => !Number.isFinite(n))) { bad.push(i + 1); return; }
    const p = { lon: nums[0], lat: nums[1] };
    if (parts.length > 2) p.name = parts.slice(2).join(', ');
    points.push(p);
  });
  return { points, bad };
}

function colour(r) {
  if (r.error) return '#b91c1c';
  if (!r.inside_weihai) return '#6b7280';
  return r.bases.length ? '#16a34a' : '#f59e0b';
}

function basesCell(r) {
  if (r.error || !r.inside_weihai) return '';
  if (r.bases.length) return r.bases.map((b) => nameOf(b.name)).join('、');
  const nb = r.nearest_base;
  return nb ? h('span', { class: 'muted' }, `${nameOf(nb.name)} · ${fmtDistance(nb.distance_m)}`) : '';
}

function agreesCell(r) {
  if (!r.agrees) return '';
  return Object.values(r.agrees).every(Boolean) ? t('siting.yes') : h('strong', {}, t('siting.no'));
}

async function boot() {
  initI18n();
  mountUserBox(document.getElementById('user-box'));
  document.title = t('siting.title');
  const meta = await api.meta();
  setMeta(meta);
  const map = L.map($('siting-map'), { minZoom: 7, maxZoom: 18 });
  window.warroomSiting = { map }; // for browser tests (web/README.md)
  const b = meta.bounds;
  map.fitBounds([[b[1], b[0]], [b[3], b[2]]]);
  const [districts, bases] = await Promise.all([api.layer('districts'), api.layer('bases')]);
  L.geoJSON(districts, { style: { color: '#6b7280', weight: 1, fillColor: '#f3f4f6', fillOpacity: 0.6 } }).addTo(map);
  const tip = hoverTooltip(map);
  L.geoJSON(bases, { style: { color: '#c2410c', weight: 1.5, fillOpacity: 0.15 },
    onEachFeature: (f, layer) => tip.attach(layer, () => nameOf(f.properties.name)) }).addTo(map);
  const markers = L.layerGroup().addTo(map);

  let input = null; // what was last checked: a points array or a File
  let results = [];

  function render() {
    fill($('siting-rows'), results.map((r, i) => {
      const cls = r.error ? 'is-error' : (r.agrees && !Object.values(r.agrees).every(Boolean) ? 'is-disagree' : '');
      return h('tr', { class: cls, dataset: { testid: 'siting-row' } },
        h('td', {}, r.row ?? i + 1), h('td', {}, r.name ?? r.id ?? ''), h('td', {}, `${Number(r.lon).toFixed(5)}, ${Number(r.lat).toFixed(5)}`),
        h('td', {}, r.district ? nameOf(r.district.name) : ''),
        h('td', {}, (r.zones || []).map((z) => nameOf(z.name)).join('、')),
        h('td', { dataset: { testid: 'siting-bases' } }, basesCell(r)), h('td', {}, agreesCell(r)),
        h('td', {}, r.error || (getLang() === 'en' ? '' : r.message)));
    }));
    const n = results.length;
    const inBase = results.filter((r) => r.bases && r.bases.length).length;
    const errors = results.filter((r) => r.error).length;
    const outside = results.filter((r) => !r.error && !r.inside_weihai).length;
    $('siting-status').textContent = n ? t('siting.count', { n, inBase, outside, errors }) : '';
  }

  function draw() {
    markers.clearLayers();
    const latlngs = [];
    for (const r of results) {
      if (r.error) continue;
      const m = L.circleMarker([r.lat, r.lon], { radius: 6, color: '#111827', weight: 1, fillColor: colour(r), fillOpacity: 0.9 });
      tip.attach(m, () => `${r.name ?? ''} ${r.district ? nameOf(r.district.name) : ''}`);
      markers.addLayer(m);
      latlngs.push([r.lat, r.lon]);
    }
    if (latlngs.length) map.fitBounds(L.latLngBounds(latlngs).pad(0.3), { maxZoom: 13 });
  }

  async function run() {
    const file = $('siting-file').files[0];
    let notes = '';
    if (file) {
      input = file;
    } else {
      const { points, bad } = parsePasted($('siting-text').value);
      if (bad.length) notes = t('siting.badLines', { lines: bad.join(', ') });
      input = points.length ? points : null;
    }
    if (!input) { $('siting-status').textContent = notes || t('siting.empty'); return; }
    $('siting-run').disabled = true;
    try {
      results = (await plannerApi.siteMany(input)).results;
      render();
      draw();
      if (notes) $('siting-status').textContent += ` ${notes}`;
      $('siting-download').disabled = false;
      document.body.dataset.checked = String(results.length);
    } catch (err) {
      $('siting-status').textContent = err.detail || err.message;
      showError(err);
    } finally {
      $('siting-run').disabled = false;
    }
  }

  async function download() {
    try {
      const blob = await plannerApi.siteManyExcel(input);
      const a = Object.assign(document.createElement('a'), { href: URL.createObjectURL(blob), download: 'siting-check.xlsx' });
      document.body.append(a);
      a.click();
      setTimeout(() => { URL.revokeObjectURL(a.href); a.remove(); }, 1000);
    } catch (err) { showError(err); }
  }

  const drop = $('siting-drop');
  drop.addEventListener('dragover', (e) => { e.preventDefault(); drop.classList.add('over'); });
  drop.addEventListener('dragleave', () => drop.classList.remove('over'));
  drop.addEventListener('drop', (e) => {
    e.preventDefault();
    drop.classList.remove('over');
    if (e.dataTransfer.files.length) { $('siting-file').files = e.dataTransfer.files; $('siting-file').dispatchEvent(new Event('change')); }
  });
  $('siting-file').addEventListener('change', () => {
    const f = $('siting-file').files[0];
    $('siting-file-name').textContent = f ? t('siting.file', { name: f.name }) : '';
  });
  $('siting-run').addEventListener('click', run);
  $('siting-download').addEventListener('click', download);
  $('siting-clear').addEventListener('click', () => {
    $('siting-text').value = '';
    $('siting-file').value = '';
    $('siting-file-name').textContent = '';
    results = [];
    input = null;
    $('siting-download').disabled = true;
    render();
    markers.clearLayers();
  });
  $('lang-toggle').addEventListener('click', toggleLang);
  const renderLang = () => { $('lang-toggle').textContent = t('lang.switch'); document.title = t('siting.title'); render(); };
  onLangChange(renderLang);
  renderLang();
  document.body.dataset.ready = '1';
}

boot().catch((err) => { showError(err); document.body.dataset.ready = 'error'; });
