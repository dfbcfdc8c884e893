// Project markers: a supercluster index drawn on one Leaflet canvas renderer —
// clusters as donuts (count + mix of progress bands or lights), single projects
// as circle markers; no DOM element per marker. Only what is in the viewport is
// drawn, and layers are diffed between renders, so pan/zoom stays cheap with
// tens of thousands of points.
import * as L from 'leaflet';
import Supercluster from 'supercluster';
import { t, fmtInt, onLangChange } from './i18n.js';
import { hoverTooltip } from './map-text.js';

const MAX_CLUSTER_ZOOM = 16;

/** Index of the progress band for p (min <= p < max; the last band includes its max). */
export function bandIndex(bands, p) {
  const v = Number(p);
  if (!bands.length || Number.isNaN(v)) return -1;
  for (let i = 0; i < bands.length; i += 1) {
    const b = bands[i];
    if (v >= b.min && (v < b.max || (i === bands.length - 1 && v <= b.max))) return i;
  }
  return v < bands[0].min ? 0 : bands.length - 1;
}

/**
 * The markers' canvas covers the whole map above the zone and base outlines, so it would take every pointer event
 * and their hover tooltips would never show. Where no marker is under the pointer the canvas lets the pointer
 * through (pointer-events: none); the hit test is the renderer's own (Leaflet 1.9's _drawFirst/_containsPoint).
 */
function passPointerThrough(map, renderer) {
  map.getContainer().addEventListener('mousemove', (e) => {
    const canvas = renderer._container;
    if (!canvas || !renderer._map) return;
    const point = map.mouseEventToLayerPoint(e);
    let hit = false;
    for (let o = renderer._drawFirst; o && !hit; o = o.next) hit = o.layer.options.interactive && o.layer._containsPoint(point);
    const through = canvas.style.pointerEvents === 'none';
    if (hit === !through) return;
    if (!hit) renderer._handleMouseOut(e); // the canvas will not see the pointer leave its marker
    canvas.style.pointerEvents = hit ? '' : 'none';
  }, { capture: true, passive: true });
}

/**
 * A cluster drawn straight onto Leaflet's canvas renderer: white disc, ring of
 * coloured segments (the mix), count in the middle. Being a CircleMarker, it
 * keeps Leaflet's hit-testing, click events and zoom animation for free.
 */
const DonutMarker = L.CircleMarker.extend({
  options: { parts: [], text: '', font: 'sans-serif', scale: 1 },
  _updatePath() {
    const r = this._renderer;
    if (!r._drawing || this._empty()) return;
    const ctx = r._ctx;
    const { x, y } = this._point;
    const rad = this._radius;
    const k = this.options.scale;
    const w = Math.max(5 * k, rad * 0.38);
    const total = this.options.parts.reduce((a, p) => a + p.value, 0) || 1;
    ctx.save();
    ctx.shadowColor = 'rgba(0,0,0,0.35)';
    ctx.shadowBlur = 3;
    ctx.shadowOffsetY = 1;
    ctx.beginPath();
    ctx.arc(x, y, rad, 0, Math.PI * 2);
    ctx.fillStyle = 'rgba(255,255,255,0.95)';
    ctx.fill();
    ctx.restore();
    let a = -Math.PI / 2;
    ctx.lineWidth = w;
    for (const part of this.options.parts) {
      if (!part.value) continue;
      const da = (part.value / total) * Math.PI * 2;
      ctx.beginPath();
      ctx.arc(x, y, rad - w / 2, a, a + da);
      ctx.strokeStyle = part.color;
      ctx.stroke();
      a += da;
    }
    ctx.fillStyle = '#111827';
    ctx.font = `700 ${Math.round((this.options.text.length > 3 ? 11 : 13) * k)}px ${this.options.font}`;
    ctx.textAlign = 'center';
    ctx.textBaseline = 'middle';
    ctx.fillText(this.options.text, x, y + 0.5);
  },
});

// Project properties carry `cluster` (the industry cluster name), so supercluster's
// own `cluster: true` flag is not enough to tell clusters from points.
const isCluster = (it) => it.properties.cluster === true && it.properties.cluster_id !== undefined;

/**
 * A canvas renderer drawing at `ratio` device pixels per CSS pixel: a map inside a CSS-scaled wall canvas
 * (web/js/screen.js) would otherwise be upscaled and blurred, as Leaflet only knows ratios 1 and 2.
 */
const SharpCanvas = L.Canvas.extend({
  _update() {
    if (this._map._animatingZoom && this._bounds) return;
    L.Renderer.prototype._update.call(this);
    const b = this._bounds;
    const size = b.getSize();
    const r = this.options.ratio;
    const m = typeof r === 'function' ? r() : r;
    const c = this._container;
    L.DomUtil.setPosition(c, b.min);
    c.width = Math.round(m * size.x);
    c.height = Math.round(m * size.y);
    c.style.width = `${size.x}px`;
    c.style.height = `${size.y}px`;
    this._ctx.setTransform(m, 0, 0, m, 0, 0);
    this._ctx.translate(-b.min.x, -b.min.y);
    this.fire('update');
  },
});

/**
 * `scale` enlarges markers, cluster rings, their numbers and the clustering radius (the wall screen: 2);
 * `pixelRatio` (a number or a function asked at each redraw) sets the canvas resolution (default: Leaflet's own).
 */
export function createProjectLayer(map, meta, { onSelect, isInteractive = () => true, scale = 1, pixelRatio = null }) {
  const bands = meta.progress_bands || [];
  const lights = meta.lights || [];
  const lightIdx = new Map(lights.map((l, i) => [l.code, i]));
  const NB = bands.length;
  const NL = lights.length;
  // Property names built once: map/reduce run for every point at every zoom level (10,000s of calls).
  const B_KEYS = bands.map((_, i) => `b${i}`);
  const L_KEYS = lights.map((_, i) => `l${i}`);
  const KEYS = [...B_KEYS, ...L_KEYS];

  map.createPane('projects').style.zIndex = 610;
  const renderer = pixelRatio
    ? new SharpCanvas({ pane: 'projects', padding: 0.3, tolerance: 3, ratio: pixelRatio })
    : L.canvas({ pane: 'projects', padding: 0.3, tolerance: 3 });
  const group = L.layerGroup();
  passPointerThrough(map, renderer);
  const selectionRing = L.circleMarker([0, 0], {
    renderer, radius: 13 * scale, color: '#111827', weight: 3 * scale, fill: false, interactive: false,
  });

  let features = [];
  let byId = new Map();
  let index = null;
  let source = null; // web/js/tiles.js in place of the supercluster index, above the tile threshold
  let selectedFeature = null;
  const subscribed = new WeakSet();
  let mode = 'progress';
  let selectedId = null;
  let rendered = new Map(); // key -> {layer, count}
  let visible = 0;
  let lastRenderMs = 0;
  let firstDrawMarked = false;
  const statusEl = map.getContainer();

  function colorOf(props) {
    if (mode === 'light') {
      const i = lightIdx.get(props.light);
      return i == null ? '#9ca3af' : lights[i].color;
    }
    const i = bandIndex(bands, props.progress);
    return i < 0 ? '#9ca3af' : bands[i].color;
  }

  function build() {
    index = new Supercluster({
      radius: 56 * scale,
      minZoom: Math.max(0, Math.floor(map.getMinZoom())), // levels the map never shows are not built
      maxZoom: MAX_CLUSTER_ZOOM,
      minPoints: 2,
      map: (p) => {
        const o = { n: 1 };
        const bi = bandIndex(bands, p.progress);
        for (let i = 0; i < NB; i += 1) o[B_KEYS[i]] = i === bi ? 1 : 0;
        const li = lightIdx.get(p.light);
        for (let i = 0; i < NL; i += 1) o[L_KEYS[i]] = i === li ? 1 : 0;
        return o;
      },
      reduce: (acc, p) => {
        for (const k of KEYS) acc[k] += p[k];
      },
    });
    index.load(features);
  }

  function clusterParts(props) {
    const n = props.point_count;
    const parts = mode === 'light'
      ? lights.map((l, i) => ({ value: props[L_KEYS[i]], color: l.color }))
      : bands.map((b, i) => ({ value: props[B_KEYS[i]], color: b.color }));
    const other = n - parts.reduce((acc, x) => acc + (x.value || 0), 0);
    if (other > 0) parts.push({ value: other, color: '#9ca3af' });
    return parts;
  }

  // One tooltip shared by every marker (cheaper than one per marker).
  const hoverTip = hoverTooltip(map, { direction: 'top', className: 'project-tooltip', offsetOf: (layer) => [0, -(layer.getRadius() + 2)] });
  const hover = hoverTip.attach;
  const font = getComputedStyle(document.body).fontFamily || 'sans-serif';

  function render() {
    const idx = source || index;
    if (!idx || !map.hasLayer(group)) { setCounts(0); return; }
    const t0 = performance.now();
    const z = Math.max(0, Math.min(MAX_CLUSTER_ZOOM + 1, Math.floor(map.getZoom())));
    const b = map.getBounds().pad(0.25);
    const bbox = [Math.max(-180, b.getWest()), Math.max(-85, b.getSouth()), Math.min(180, b.getEast()), Math.min(85, b.getNorth())];
    const items = idx.getClusters(bbox, z);
    const next = new Map();
    let count = 0;
    for (const it of items) {
      const [lon, lat] = it.geometry.coordinates;
      if (isCluster(it)) {
        const key = `c${it.properties.cluster_id}@${z}:${mode}`;
        const n = it.properties.point_count;
        count += n;
        let entry = rendered.get(key);
        if (!entry) {
          const radius = Math.round((15 + Math.min(15, Math.log10(n) * 6)) * scale);
          const m = new DonutMarker([lat, lon], {
            renderer, radius, stroke: false, fill: true, fillOpacity: 0,
            parts: clusterParts(it.properties), text: String(it.properties.point_count_abbreviated), font, scale,
          });
          hover(m, () => t('markers.cluster', { n: fmtInt(n) }));
          const cid = it.properties.cluster_id;
          m.on('click', () => {
            if (!isInteractive()) return;
            hoverTip.hide();
            const ez = Math.min(idx.getClusterExpansionZoom(cid), MAX_CLUSTER_ZOOM + 1);
            map.setView([lat, lon], Math.max(ez, map.getZoom() + 1));
          });
          entry = { layer: m, count: n };
        }
        next.set(key, entry);
      } else {
        const p = it.properties;
        const key = `p${p.id}:${mode}`;
        count += 1;
        let entry = rendered.get(key);
        if (!entry) {
          const m = L.circleMarker([lat, lon], {
            renderer, radius: 7 * scale, weight: 1.5 * scale, color: '#ffffff', fillColor: colorOf(p), fillOpacity: 1,
            bubblingMouseEvents: true, // so the lookup tool still gets map clicks on a marker
          });
          hover(m, () => p.name);
          m.on('click', () => { if (isInteractive()) onSelect(p.id); });
          entry = { layer: m, count: 1 };
        }
        next.set(key, entry);
      }
    }
    for (const [key, entry] of rendered) if (!next.has(key)) group.removeLayer(entry.layer);
    for (const [key, entry] of next) if (!rendered.has(key)) group.addLayer(entry.layer);
    rendered = next;
    syncSelection();
    lastRenderMs = performance.now() - t0;
    setCounts(count);
    if (count > 0 && !firstDrawMarked) markFirstDraw();
  }

  // User Timing marks for bench/map_load.py: markers drawn, then painted (the frame after).
  function markFirstDraw() {
    firstDrawMarked = true;
    performance.mark('markers-drawn');
    requestAnimationFrame(() => setTimeout(() => performance.mark('markers-painted'), 0));
  }

  function setCounts(count) {
    visible = count;
    statusEl.dataset.count = String(count);
    const total = source ? source.total() ?? '' : features.length;
    statusEl.dataset.total = String(total);
    statusEl.dataset.renderMs = lastRenderMs.toFixed(1);
    map.fire('warroom:count', { count, total });
  }

  function syncSelection() {
    const f = selectedId == null ? null : byId.get(String(selectedId)) || (source && source.get(selectedId)) || selectedFeature;
    if (f && map.hasLayer(group)) {
      const [lon, lat] = f.geometry.coordinates;
      selectionRing.setLatLng([lat, lon]);
      if (!map.hasLayer(selectionRing)) selectionRing.addTo(map);
      selectionRing.bringToFront();
    } else if (map.hasLayer(selectionRing)) {
      map.removeLayer(selectionRing);
    }
  }

  function clearRendered() {
    group.clearLayers();
    rendered = new Map();
  }

  map.on('moveend', render);
  onLangChange(() => { clearRendered(); render(); });
  group.on('add', () => { render(); });
  group.on('remove', () => { clearRendered(); syncSelection(); setCounts(0); });

  return {
    layer: group,
    /** Replace the data (GeoJSON FeatureCollection or feature array). */
    setData(fc) {
      const all = Array.isArray(fc) ? fc : (fc && fc.features) || [];
      features = all.filter((f) => f && f.geometry && f.geometry.type === 'Point' && Array.isArray(f.geometry.coordinates));
      source = null;
      for (const f of features) if (f.properties && f.properties.id == null) f.properties.id = f.id;
      byId = new Map(features.map((f) => [String(f.properties.id), f]));
      build();
      clearRendered();
      render();
    },
    /** Draw from a tile source (web/js/tiles.js) instead of loaded data; redrawn as its tiles arrive. */
    setSource(src) {
      features = [];
      byId = new Map();
      index = null;
      if (!subscribed.has(src)) { subscribed.add(src); src.onChange(() => { if (source === src) render(); }); }
      source = src;
      clearRendered();
      render();
    },
    setMode(m) { if (m !== mode) { mode = m; clearRendered(); render(); } },
    /** `feature` (the card's) places the ring where the project is not among the loaded or drawn ones. */
    setSelected(id, feature = null) {
      selectedId = id == null ? null : String(id);
      selectedFeature = feature && feature.geometry ? feature : null;
      syncSelection();
    },
    get(id) { return byId.get(String(id)) || (source && source.get(id)) || null; },
    features: () => features,
    /** Projects represented by the markers and clusters drawn for the current view. */
    visibleCount: () => visible,
    /** Projects loaded into the layer (= feature count of the current filter). */
    totalCount: () => (source ? source.total() : features.length),
    renderMs: () => lastRenderMs,
    /** Rendered items: [{kind:'cluster'|'point', count, id?, colors}] (for tests); colors: projects per colour drawn. */
    items() {
      return [...rendered.entries()].map(([key, e]) => {
        const o = e.layer.options;
        const colors = {};
        if (o.parts && o.parts.length) for (const part of o.parts) colors[part.color] = (colors[part.color] || 0) + (part.value || 0);
        else colors[o.fillColor] = 1;
        return { kind: key[0] === 'c' ? 'cluster' : 'point', count: e.count, id: key[0] === 'p' ? key.slice(1).split(':')[0] : undefined, colors };
      });
    },
    /** Smallest zoom at which the project is drawn as a single marker. */
    unclusterZoom(id) {
      const f = byId.get(String(id));
      if (!f || !index) return null; // tiles: the server decides, markers.js cannot know
      const [lon, lat] = f.geometry.coordinates;
      const e = 1e-7;
      for (let z = 0; z <= MAX_CLUSTER_ZOOM; z += 1) {
        if (index.getClusters([lon - e, lat - e, lon + e, lat + e], z).some((it) => !isCluster(it) && String(it.properties.id) === String(id))) return z;
      }
      return MAX_CLUSTER_ZOOM + 1;
    },
    refresh: render,
  };
}
