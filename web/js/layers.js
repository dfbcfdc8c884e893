// Area layers (districts, five zones, nine bases), their labels, and the
// legend / layer control. Schematic geometries are dashed and the legend says so.
import * as L from 'leaflet';
import { api } from './api.js';
import { t, label, nameOf, onLangChange, getLang } from './i18n.js';
import { esc as escapeHtml } from './html.js';

const DASH_SCHEMATIC = '7 5';
const ZONE_COLOR = '#2563eb';
const BASE_FALLBACK = '#ea580c';

function districtStyle(props, basemapKind, selected) {
  const functional = props.kind === 'functional';
  const land = basemapKind === 'none';
  const base = functional
    ? { color: '#6b21a8', weight: 1.6, fillColor: '#a855f7', fillOpacity: land ? 0.07 : 0.04, opacity: 0.85 }
    : { color: land ? '#7a6f58' : '#475569', weight: land ? 1.4 : 2, fillColor: '#f6f3ea', fillOpacity: land ? 1 : 0.05, opacity: 1 };
  if (props.schematic || functional) base.dashArray = DASH_SCHEMATIC;
  if (selected === true) Object.assign(base, { color: '#b91c1c', weight: 3.2, opacity: 1, dashArray: props.schematic ? DASH_SCHEMATIC : null });
  if (selected === false && land && !functional) Object.assign(base, { fillColor: '#ece8dc' });
  return base;
}

function areaStyle(props, color, fillOpacity) {
  return {
    color, weight: 2, opacity: 0.95, fillColor: color, fillOpacity,
    dashArray: props.schematic ? DASH_SCHEMATIC : null,
  };
}

/** Fetch the three area layers' GeoJSON: [districts, zones, bases]. */
export function fetchAreaLayers() {
  return Promise.all([api.layer('districts'), api.layer('zones'), api.layer('bases')]);
}

/** Load the three area layers (`data`: a fetchAreaLayers() already under way). Returns the Leaflet layers and helpers. */
export async function loadAreaLayers(map, meta, basemapKind, data = fetchAreaLayers()) {
  const [dist, zones, bases] = await data;
  const clusterColor = new Map((meta.clusters || []).map((c) => [c.name, c.color]));
  const order = new Map((meta.districts || []).map((d, i) => [d.name, i]));

  // Counties first (they are the land), functional areas on top.
  dist.features.sort((a, b) => (a.properties.kind === 'functional') - (b.properties.kind === 'functional'));
  let selectedDistrict = null;

  const districts = L.geoJSON(dist, {
    pane: basemapKind === 'none' ? 'land' : 'areas',
    interactive: false,
    style: (f) => districtStyle(f.properties, basemapKind, null),
    onEachFeature: (f, layer) => {
      const p = f.properties;
      layer.bindTooltip(() => escapeHtml(label(p)), {
        permanent: true, direction: 'center', interactive: false, pane: 'labels',
        className: `district-label ${p.kind === 'functional' ? 'district-label-functional' : ''}`,
      });
    },
  });

  const tooltipHtml = (p, kindKey) => {
    const sch = p.schematic ? `<span class="tt-sch">${escapeHtml(t('legend.schematic'))}</span>` : '';
    const where = p.district ? `<div class="tt-sub">${escapeHtml(nameOf(p.district))}${p.carrier ? ` · ${escapeHtml(p.carrier)}` : ''}</div>` : '';
    const cl = p.cluster ? `<div class="tt-sub">${escapeHtml(nameOf(p.cluster))}</div>` : '';
    return `<div class="tt-kind">${escapeHtml(t(kindKey))}</div><strong>${escapeHtml(label(p))}</strong>${where}${cl}${sch}`;
  };

  const zonesLayer = L.geoJSON(zones, {
    pane: 'areas',
    style: (f) => areaStyle(f.properties, ZONE_COLOR, 0.035),
    onEachFeature: (f, layer) => layer.bindTooltip(() => tooltipHtml(f.properties, 'legend.zones'), { sticky: true, className: 'area-tooltip' }),
  });
  const basesLayer = L.geoJSON(bases, {
    pane: 'areas',
    style: (f) => areaStyle(f.properties, clusterColor.get(f.properties.cluster) || BASE_FALLBACK, 0.22),
    onEachFeature: (f, layer) => {
      layer.bindTooltip(() => tooltipHtml(f.properties, 'legend.bases'), { sticky: true, className: 'area-tooltip' });
    },
  });
  // Base name labels once zoomed in enough to read them.
  const baseLabels = L.layerGroup();
  basesLayer.eachLayer((layer) => {
    const c = layer.getBounds().getCenter();
    L.tooltip({ permanent: true, direction: 'center', className: 'base-label', interactive: false, pane: 'labels' })
      .setLatLng(c).setContent(() => escapeHtml(label(layer.feature.properties))).addTo(baseLabels);
  });
  const syncBaseLabels = () => {
    const show = map.getZoom() >= 11 && map.hasLayer(basesLayer);
    if (show && !map.hasLayer(baseLabels)) baseLabels.addTo(map);
    if (!show && map.hasLayer(baseLabels)) map.removeLayer(baseLabels);
  };
  map.on('zoomend overlayadd overlayremove', syncBaseLabels);

  districts.addTo(map);
  zonesLayer.addTo(map);
  basesLayer.addTo(map);
  syncBaseLabels();

  onLangChange(() => {
    for (const g of [districts, zonesLayer, basesLayer]) g.eachLayer((l) => l.getTooltip() && l.setTooltipContent(l.getTooltip()._content));
    baseLabels.eachLayer((tt) => tt.setContent(tt._content));
  });

  const byName = new Map();
  districts.eachLayer((l) => byName.set(l.feature.properties.name, l));

  return {
    districts, zones: zonesLayer, bases: basesLayer, baseLabels,
    zoneFeatures: zones.features, baseFeatures: bases.features,
    /** Bounds of a district (Chinese name) or null. */
    districtBounds(name) { const l = byName.get(name); return l ? l.getBounds() : null; },
    /** Emphasise one district border (null = whole city). */
    highlightDistrict(name) {
      selectedDistrict = name || null;
      districts.eachLayer((l) => {
        const p = l.feature.properties;
        l.setStyle(districtStyle(p, basemapKind, selectedDistrict ? p.name === selectedDistrict : null));
        if (p.name === selectedDistrict) l.bringToFront();
      });
    },
    order,
    syncBaseLabels,
  };
}

/**
 * Legend + layer control as one Leaflet control (bottom-right). Re-renders on
 * language or colour-mode change. `toggles` = [{id, key, layer, swatch}].
 */
export function createLegend(map, meta, { toggles, getMode, onToggle }) {
  const Legend = L.Control.extend({
    options: { position: 'bottomright' },
    onAdd() {
      const el = L.DomUtil.create('section', 'legend leaflet-bar');
      el.id = 'legend';
      el.dataset.testid = 'legend';
      L.DomEvent.disableClickPropagation(el);
      L.DomEvent.disableScrollPropagation(el);
      this._el = el;
      this._collapsed = window.matchMedia('(max-width: 699px)').matches;
      this.render();
      return el;
    },
    render() {
      const el = this._el;
      const mode = getMode();
      const bands = meta.progress_bands || [];
      const lights = meta.lights || [];
      const layerRows = toggles.map((tg) => `
        <label class="legend-row legend-toggle">
          <input type="checkbox" id="layer-toggle-${tg.id}" data-testid="layer-toggle-${tg.id}" ${map.hasLayer(tg.layer) ? 'checked' : ''}>
          <span class="sw ${tg.swatch}" aria-hidden="true"></span><span>${escapeHtml(t(tg.key))}</span>
        </label>`).join('');
      const colourRows = mode === 'light'
        ? lights.map((l) => `<li class="legend-row" title="${escapeHtml(l.description || '')}"><span class="sw sw-dot" style="background:${escapeHtml(l.color)}"></span><span>${escapeHtml(label(l))}</span></li>`).join('')
        : bands.map((b) => `<li class="legend-row"><span class="sw sw-dot" style="background:${escapeHtml(b.color)}"></span><span>${escapeHtml(b.label || `${b.min}–${b.max}%`)}</span></li>`).join('');
      const notes = meta.data_notes ? (getLang() === 'en' ? meta.data_notes.en || meta.data_notes.zh : meta.data_notes.zh) : '';
      el.innerHTML = `
        <button type="button" class="legend-head" aria-expanded="${!this._collapsed}" aria-controls="legend-body">
          <span>${escapeHtml(t('legend.title'))}</span><span class="chev" aria-hidden="true">${this._collapsed ? '▴' : '▾'}</span>
        </button>
        <div id="legend-body" class="legend-body" ${this._collapsed ? 'hidden' : ''}>
          <fieldset class="legend-group"><legend>${escapeHtml(t('legend.layers'))}</legend>${layerRows}</fieldset>
          <div class="legend-group">
            <h3>${escapeHtml(t(mode === 'light' ? 'legend.light' : 'legend.progress'))}</h3>
            <ul class="legend-list" data-testid="legend-colours">${colourRows}</ul>
            <div class="legend-row legend-cluster"><span class="sw sw-cluster" aria-hidden="true"></span><span>${escapeHtml(t('legend.cluster'))}</span></div>
          </div>
          <ul class="legend-group legend-list">
            <li class="legend-row"><span class="sw sw-line" aria-hidden="true"></span><span>${escapeHtml(t('legend.county'))}</span></li>
            <li class="legend-row"><span class="sw sw-line sw-dashed sw-functional" aria-hidden="true"></span><span>${escapeHtml(t('legend.functional'))}</span></li>
            <li class="legend-row"><span class="sw sw-line sw-dashed" aria-hidden="true"></span><span data-testid="legend-schematic">${escapeHtml(t('legend.schematic'))}</span></li>
          </ul>
          ${notes ? `<p class="legend-notes" data-testid="data-notes"><strong>${escapeHtml(t('legend.notes'))}：</strong>${escapeHtml(notes)}</p>` : ''}
        </div>`;
      el.querySelector('.legend-head').addEventListener('click', () => { this._collapsed = !this._collapsed; this.render(); el.querySelector('.legend-head').focus(); });
      for (const tg of toggles) {
        el.querySelector(`#layer-toggle-${tg.id}`).addEventListener('change', (ev) => {
          if (ev.target.checked) map.addLayer(tg.layer); else map.removeLayer(tg.layer);
          onToggle && onToggle(tg.id, ev.target.checked);
        });
      }
    },
  });
  const legend = new Legend();
  legend.addTo(map);
  onLangChange(() => legend.render());
  return legend;
}
