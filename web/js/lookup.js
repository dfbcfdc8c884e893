// "落位查询": toggle, then click the map or type "lon, lat"; shows district,
// county, zones, bases or the nearest base via /api/lookup, with a temporary marker.
import * as L from 'leaflet';
import { api } from './api.js';
import { t, nameOf, fmtDistance, onLangChange, getLang } from './i18n.js';
import { showError } from './toast.js';
import { h, fill } from './dom.js';

/** Parse "lon, lat" (also "lon lat", full-width comma; swaps an obvious "lat, lon"). */
export function parseLonLat(text) {
  const nums = String(text).replace(/[，、;；]/g, ',').split(/[\s,]+/).filter(Boolean).map(Number);
  if (nums.length !== 2 || nums.some((n) => !Number.isFinite(n))) return null;
  let [lon, lat] = nums;
  if (Math.abs(lat) > 90 && Math.abs(lon) <= 90) [lon, lat] = [lat, lon];
  if (Math.abs(lat) > 90 || Math.abs(lon) > 180) return null;
  return { lon, lat };
}

export function createLookup(map) {
  const btn = document.getElementById('lookup-toggle');
  const box = document.getElementById('lookup-box');
  const form = document.getElementById('lookup-form');
  const input = document.getElementById('lookup-input');
  const out = document.getElementById('lookup-result');
  L.DomEvent.disableClickPropagation(box);
  L.DomEvent.disableScrollPropagation(box);

  let active = false;
  let marker = null;
  let last = null; // last result (re-rendered on language change)
  let ctrl = null;

  const pin = L.divIcon({ className: 'lookup-pin', html: h('span'), iconSize: [22, 22], iconAnchor: [11, 22] });

  function renderButton() {
    btn.textContent = active ? t('lookup.toggleOn') : t('lookup.toggle');
    btn.setAttribute('aria-pressed', String(active));
    btn.setAttribute('aria-controls', 'lookup-box');
  }

  function setActive(v) {
    active = v;
    box.hidden = !v;
    map.getContainer().classList.toggle('lookup-active', v);
    renderButton();
    if (v) {
      input.focus();
    } else {
      if (marker) { map.removeLayer(marker); marker = null; }
      if (ctrl) ctrl.abort();
      out.replaceChildren();
      delete out.dataset.state;
      last = null;
      btn.focus();
    }
  }

  const message = (text, cls = 'muted') => h('p', { class: cls }, text);

  function renderResult(r) {
    const list = (arr) => (arr && arr.length
      ? arr.map((x, k) => [k ? ' ' : '', h('span', { class: x.schematic ? 'tag tag-sch' : 'tag' }, nameOf(x.name))])
      : h('span', { class: 'muted' }, t('lookup.none')));
    const coord = `${r.lon.toFixed(5)}, ${r.lat.toFixed(5)}`;
    if (!r.inside_weihai) {
      fill(out, h('p', { class: 'lookup-msg', dataset: { testid: 'lookup-message' } }, getLang() === 'en' ? t('lookup.outside') : (r.message || t('lookup.outside'))),
        message(`${t('lookup.point')}: ${coord}`));
      out.dataset.state = 'outside';
      return;
    }
    const kv = (key, value, testid) => h('div', { class: 'kv' }, h('dt', {}, t(key)), h('dd', { dataset: { testid } }, value));
    fill(out,
      r.message && getLang() !== 'en' && h('p', { class: 'lookup-msg', dataset: { testid: 'lookup-message' } }, r.message),
      h('dl', { class: 'kvs' },
        kv('lookup.point', coord),
        kv('lookup.district', r.district ? nameOf(r.district.name) : t('lookup.none'), 'lookup-district'),
        kv('lookup.county', r.county ? nameOf(r.county.name) : t('lookup.none'), 'lookup-county'),
        kv('lookup.zones', list(r.zones), 'lookup-zones'),
        kv('lookup.bases', list(r.bases), 'lookup-bases'),
        r.nearest_base && kv('lookup.nearest', `${nameOf(r.nearest_base.name)} · ${t('lookup.distance', { d: fmtDistance(r.nearest_base.distance_m) })}`, 'lookup-nearest')));
    out.dataset.state = 'inside';
  }

  async function query(lon, lat) {
    if (marker) marker.setLatLng([lat, lon]); else marker = L.marker([lat, lon], { icon: pin, keyboard: false, interactive: false, pane: 'clusters' }).addTo(map);
    if (!map.getBounds().contains([lat, lon])) map.panTo([lat, lon]);
    input.value = `${lon.toFixed(5)}, ${lat.toFixed(5)}`;
    out.dataset.state = 'loading';
    fill(out, message(t('lookup.loading')));
    if (ctrl) ctrl.abort();
    ctrl = new AbortController();
    try {
      const r = await api.lookup(lon, lat, { signal: ctrl.signal });
      last = r;
      renderResult(r);
    } catch (err) {
      if (err.name === 'AbortError') return;
      fill(out, message(err.detail || err.message, 'error-text'));
      out.dataset.state = 'error';
      showError(err);
    }
  }

  btn.addEventListener('click', () => setActive(!active));
  map.on('click', (e) => { if (active) query(e.latlng.lng, e.latlng.lat); });
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const p = parseLonLat(input.value);
    if (!p) {
      fill(out, message(t('lookup.badInput'), 'error-text'));
      out.dataset.state = 'error';
      return;
    }
    query(p.lon, p.lat);
  });
  document.addEventListener('keydown', (e) => { if (e.key === 'Escape' && active) setActive(false); });
  onLangChange(() => { renderButton(); if (last) renderResult(last); });
  renderButton();

  return { isActive: () => active, setActive, query };
}
