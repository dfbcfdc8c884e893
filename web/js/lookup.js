// "落位查询": toggle, then click the map or type "lon, lat"; shows district,
// county, zones, bases or the nearest base via /api/lookup, with a temporary marker.
import * as L from 'leaflet';
import { api } from './api.js';
import { t, nameOf, fmtDistance, onLangChange, getLang } from './i18n.js';
import { showError } from './toast.js';
import { esc } from './html.js';

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

  const pin = L.divIcon({ className: 'lookup-pin', html: '<span></span>', iconSize: [22, 22], iconAnchor: [11, 22] });

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

  function renderResult(r) {
    const list = (arr) => (arr && arr.length
      ? arr.map((x) => `<span class="tag${x.schematic ? ' tag-sch' : ''}">${esc(nameOf(x.name))}</span>`).join(' ')
      : `<span class="muted">${esc(t('lookup.none'))}</span>`);
    const coord = `${r.lon.toFixed(5)}, ${r.lat.toFixed(5)}`;
    if (!r.inside_weihai) {
      out.innerHTML = `<p class="lookup-msg" data-testid="lookup-message">${esc(getLang() === 'en' ? t('lookup.outside') : (r.message || t('lookup.outside')))}</p>
        <p class="muted">${esc(t('lookup.point'))}: ${esc(coord)}</p>`;
      out.dataset.state = 'outside';
      return;
    }
    const nearest = r.nearest_base
      ? `<div class="kv"><dt>${esc(t('lookup.nearest'))}</dt><dd data-testid="lookup-nearest">${esc(nameOf(r.nearest_base.name))} · ${esc(t('lookup.distance', { d: fmtDistance(r.nearest_base.distance_m) }))}</dd></div>`
      : '';
    out.innerHTML = `
      ${r.message && getLang() !== 'en' ? `<p class="lookup-msg" data-testid="lookup-message">${esc(r.message)}</p>` : ''}
      <dl class="kvs">
        <div class="kv"><dt>${esc(t('lookup.point'))}</dt><dd>${esc(coord)}</dd></div>
        <div class="kv"><dt>${esc(t('lookup.district'))}</dt><dd data-testid="lookup-district">${esc(r.district ? nameOf(r.district.name) : t('lookup.none'))}</dd></div>
        <div class="kv"><dt>${esc(t('lookup.county'))}</dt><dd data-testid="lookup-county">${esc(r.county ? nameOf(r.county.name) : t('lookup.none'))}</dd></div>
        <div class="kv"><dt>${esc(t('lookup.zones'))}</dt><dd data-testid="lookup-zones">${list(r.zones)}</dd></div>
        <div class="kv"><dt>${esc(t('lookup.bases'))}</dt><dd data-testid="lookup-bases">${list(r.bases)}</dd></div>
        ${nearest}
      </dl>`;
    out.dataset.state = 'inside';
  }

  async function query(lon, lat) {
    if (marker) marker.setLatLng([lat, lon]); else marker = L.marker([lat, lon], { icon: pin, keyboard: false, interactive: false, pane: 'clusters' }).addTo(map);
    if (!map.getBounds().contains([lat, lon])) map.panTo([lat, lon]);
    input.value = `${lon.toFixed(5)}, ${lat.toFixed(5)}`;
    out.dataset.state = 'loading';
    out.innerHTML = `<p class="muted">${esc(t('lookup.loading'))}</p>`;
    if (ctrl) ctrl.abort();
    ctrl = new AbortController();
    try {
      const r = await api.lookup(lon, lat, { signal: ctrl.signal });
      last = r;
      renderResult(r);
    } catch (err) {
      if (err.name === 'AbortError') return;
      out.innerHTML = `<p class="error-text">${esc(err.detail || err.message)}</p>`;
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
      out.innerHTML = `<p class="error-text">${esc(t('lookup.badInput'))}</p>`;
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
