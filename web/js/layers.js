// Area layers (districts, five zones, nine bases), their labels, and the
// legend / layer control. Schematic geometries are dashed and the legend says so.
import * as L from 'leaflet';
import { api } from './api.js';
import { t, label, nameOf, onLangChange, getLang } from './i18n.js';
import { h, fill } from './dom.js';
import { hoverTooltip, mapLabel } from './map-text.js';

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
  });

  const areaTip = hoverTooltip(map, { sticky: true, className: 'area-tooltip' });
  const areaText = (p, kindKey) => [
    h('div', { class: 'tt-kind' }, t(kindKey)), h('strong', {}, label(p)),
    p.district && h('div', { class: 'tt-sub' }, nameOf(p.district), p.carrier && ` · ${p.carrier}`),
    p.cluster && h('div', { class: 'tt-sub' }, nameOf(p.cluster)),
    p.schematic && h('span', { class: 'tt-sch' }, t('legend.schematic')),
  ];

  // The largest areas first, so a smaller one drawn over it still gets the pointer (中韩自贸区 covers the whole city).
  const bboxArea = (f) => {
    const b = L.geoJSON(f).getBounds();
    return (b.getEast() - b.getWest()) * (b.getNorth() - b.getSouth());
  };
  zones.features.sort((a, b) => bboxArea(b) - bboxArea(a));
  bases.features.sort((a, b) => bboxArea(b) - bboxArea(a));
  const zonesLayer = L.geoJSON(zones, {
    pane: 'areas',
    style: (f) => areaStyle(f.properties, ZONE_COLOR, 0.035),
    onEachFeature: (f, layer) => areaTip.attach(layer, () => areaText(f.properties, 'legend.zones')),
  });
  const basesLayer = L.geoJSON(bases, {
    pane: 'areas',
    style: (f) => areaStyle(f.properties, clusterColor.get(f.properties.cluster) || BASE_FALLBACK, 0.22),
    onEachFeature: (f, layer) => areaTip.attach(layer, () => areaText(f.properties, 'legend.bases')),
  });
  // Base name labels once zoomed in enough to read them.
  const baseLabels = L.layerGroup();
  basesLayer.eachLayer((layer) => {
    const p = layer.feature.properties;
    mapLabel(layer.getBounds().getCenter(), () => label(p), { className: 'base-label', pane: 'labels' }).addTo(baseLabels);
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

  // District names at their polygons' centres (getCenter needs the layer on the map), shown with the districts.
  const districtLabels = L.layerGroup().addTo(map);
  districts.eachLayer((layer) => {
    const p = layer.feature.properties;
    mapLabel(layer.getCenter(), () => label(p), {
      pane: 'labels',
      className: `district-label ${p.kind === 'functional' ? 'district-label-functional' : ''}`,
    }).addTo(districtLabels);
  });
  districts.on('add', () => districtLabels.addTo(map));
  districts.on('remove', () => map.removeLayer(districtLabels));

  onLangChange(() => {
    for (const g of [districtLabels, baseLabels]) g.eachLayer((tt) => tt.relabel());
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
      const onChange = (tg) => (ev) => {
        if (ev.target.checked) map.addLayer(tg.layer); else map.removeLayer(tg.layer);
        onToggle && onToggle(tg.id, ev.target.checked);
      };
      const layerRows = toggles.map((tg) => h('label', { class: 'legend-row legend-toggle' },
        h('input', { type: 'checkbox', id: `layer-toggle-${tg.id}`, dataset: { testid: `layer-toggle-${tg.id}` }, checked: map.hasLayer(tg.layer), onchange: onChange(tg) }),
        h('span', { class: `sw ${tg.swatch}`, 'aria-hidden': 'true' }), h('span', {}, t(tg.key))));
      const swatch = (color) => h('span', { class: 'sw sw-dot', style: { background: color } });
      const colourRows = mode === 'light'
        ? lights.map((l) => h('li', { class: 'legend-row', title: l.description || '' }, swatch(l.color), h('span', {}, label(l))))
        : bands.map((b) => h('li', { class: 'legend-row' }, swatch(b.color), h('span', {}, b.label || `${b.min}–${b.max}%`)));
      const line = (cls, text, testid) => h('li', { class: 'legend-row' }, h('span', { class: `sw sw-line${cls}`, 'aria-hidden': 'true' }), h('span', { dataset: { testid } }, text));
      const notes = meta.data_notes ? (getLang() === 'en' ? meta.data_notes.en || meta.data_notes.zh : meta.data_notes.zh) : '';
      const head = h('button', { type: 'button', class: 'legend-head', 'aria-expanded': String(!this._collapsed), 'aria-controls': 'legend-body',
        onclick: () => { this._collapsed = !this._collapsed; this.render(); el.querySelector('.legend-head').focus(); } },
      h('span', {}, t('legend.title')), h('span', { class: 'chev', 'aria-hidden': 'true' }, this._collapsed ? '▴' : '▾'));
      fill(el, head,
        h('div', { id: 'legend-body', class: 'legend-body', hidden: this._collapsed },
          h('fieldset', { class: 'legend-group' }, h('legend', {}, t('legend.layers')), layerRows),
          h('div', { class: 'legend-group' },
            h('h3', {}, t(mode === 'light' ? 'legend.light' : 'legend.progress')),
            h('ul', { class: 'legend-list', dataset: { testid: 'legend-colours' } }, colourRows),
            h('div', { class: 'legend-row legend-cluster' }, h('span', { class: 'sw sw-cluster', 'aria-hidden': 'true' }), h('span', {}, t('legend.cluster')))),
          h('ul', { class: 'legend-group legend-list' },
            line('', t('legend.county')),
            line(' sw-dashed sw-functional', t('legend.functional')),
            line(' sw-dashed', t('legend.schematic'), 'legend-schematic')),
          notes && h('p', { class: 'legend-notes', dataset: { testid: 'data-notes' } }, h('strong', {}, `${t('legend.notes')}：`), notes)));
    },
  });
  const legend = new Legend();
  legend.addTo(map);
  onLangChange(() => legend.render());
  return legend;
}
