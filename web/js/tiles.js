// Projects from the server's vector tiles (GET /api/projects/tiles/{z}/{x}/{y}.mvt, geo/projects/tiles.py) when the
// library holds more than meta.map_tiles.threshold projects. The tiles covering the view are fetched with the map's
// filters and month, decoded by @mapbox/vector-tile + pbf, and handed to markers.js in supercluster's shape
// (getClusters / getClusterExpansionZoom), so colours, clicks, tooltips and counts take the GeoJSON path's code.
// Each tile is drawn at 1024 px, two zoom levels below the map's: about 6 requests a view, one round of the browser's
// 6 connections per host (256-px tiles took 24). The next view's tiles are asked for as a zoom animation starts.
import { VectorTile } from '@mapbox/vector-tile';
import { PbfReader } from 'pbf';
import { api } from './api.js';

const MAX_TILES = 600; // decoded tiles kept (a few views' worth); the oldest go first
const MAX_MAP_ZOOM = 17; // markers.js MAX_CLUSTER_ZOOM + 1: every project stands alone from here
const TILE_PX = 1024;
const LEVELS_UP = 2; // log2(TILE_PX / 256): a tile of zoom z covers what the map shows at zoom z + 2
const PAD = 0.25; // as markers.js's render(): the view padded by a quarter on each side

// Supercluster's point_count_abbreviated, so a tile cluster reads like a client-side one.
function abbreviated(n) {
  if (n >= 10000) return `${Math.round(n / 1000)}k`;
  if (n >= 1000) return `${Math.round(n / 100) / 10}k`;
  return n;
}

function lonLat(tz, tx, ty, px, py, extent) {
  const n = 2 ** tz;
  const lon = ((tx + px / extent) / n) * 360 - 180;
  const lat = (Math.atan(Math.sinh(Math.PI * (1 - (2 * (ty + py / extent)) / n))) * 180) / Math.PI;
  return [lon, lat];
}

/** Point features of one decoded tile: projects as supercluster points, cells as supercluster clusters. */
function decode(buffer, tz, tx, ty, tag) {
  const tile = new VectorTile(new PbfReader(new Uint8Array(buffer)));
  const items = [];
  for (const name of ['clusters', 'projects']) {
    const layer = tile.layers[name];
    if (!layer) continue;
    for (let i = 0; i < layer.length; i += 1) {
      const f = layer.feature(i);
      const pt = f.loadGeometry()[0][0];
      const geometry = { type: 'Point', coordinates: lonLat(tz, tx, ty, pt.x, pt.y, layer.extent) };
      const properties = { ...f.properties };
      if (name === 'clusters') {
        Object.assign(properties, {
          cluster: true, cluster_id: `${tag}#${i}`, point_count_abbreviated: abbreviated(properties.point_count),
        });
      } else {
        properties.id = f.id;
      }
      items.push({ type: 'Feature', geometry, properties });
    }
  }
  return items;
}

/** A tile source for createProjectLayer's setSource(); `onError(err)` hears a failed tile once per query. */
export function createTileSource(map, { onError = () => {} } = {}) {
  let filters = {};
  let generation = 0;
  let total = null;
  let ctrl = new AbortController();
  let failed = false;
  let pending = 0;
  let shown = [];
  const cache = new Map(); // `${z}/${x}/${y}` -> items (null while loading), in insertion (age) order
  const listeners = new Set();
  const notify = () => { for (const fn of listeners) fn(); };
  let idleWaiters = [];
  const settle = () => {
    if (pending > 0) return;
    const waiters = idleWaiters;
    idleWaiters = [];
    for (const resolve of waiters) resolve();
  };

  async function load(tz, tx, ty) {
    const key = `${tz}/${tx}/${ty}`;
    const gen = generation;
    cache.set(key, null);
    pending += 1;
    try {
      const buffer = await api.projectTile(tz, tx, ty, filters, { signal: ctrl.signal });
      if (gen !== generation) return;
      cache.set(key, decode(buffer, tz, tx, ty, `${gen}:${key}`));
      while (cache.size > MAX_TILES) cache.delete(cache.keys().next().value);
    } catch (err) {
      if (gen !== generation) return;
      cache.delete(key);
      if (err.name !== 'AbortError' && !failed) { failed = true; onError(err); }
    } finally {
      if (gen === generation) pending -= 1;
    }
    if (gen === generation) { notify(); settle(); }
  }

  const tileZoom = (z) => Math.max(0, Math.min(MAX_MAP_ZOOM, Math.floor(z)) - LEVELS_UP);

  // Tiles of zoom tz (TILE_PX each: Leaflet's pixel grid LEVELS_UP zooms above) across bbox [w, s, e, n].
  function tilesOver(bbox, tz) {
    const n = 2 ** tz;
    const nw = map.project([bbox[3], bbox[0]], tz + LEVELS_UP);
    const se = map.project([bbox[1], bbox[2]], tz + LEVELS_UP);
    const clamp = (v) => Math.max(0, Math.min(n - 1, Math.floor(v / TILE_PX)));
    const out = [];
    for (let x = clamp(nw.x); x <= clamp(se.x); x += 1) for (let y = clamp(nw.y); y <= clamp(se.y); y += 1) out.push([x, y]);
    return out;
  }

  // A zoom animation runs ~250 ms before moveend redraws: the new view's tiles travel meanwhile.
  map.on('zoomanim', (e) => {
    if (!listeners.size) return;
    const half = map.getSize().multiplyBy(0.5 + PAD);
    const c = map.project(e.center, e.zoom);
    const sw = map.unproject(c.add([-half.x, half.y]), e.zoom);
    const ne = map.unproject(c.add([half.x, -half.y]), e.zoom);
    const tz = tileZoom(e.zoom);
    for (const [x, y] of tilesOver([sw.lng, sw.lat, ne.lng, ne.lat], tz)) if (!cache.has(`${tz}/${x}/${y}`)) load(tz, x, y);
  });

  return {
    /** New filters (or month), or new data: forget every tile and the total; `keep` the tiles of the same filters. */
    setQuery(next, { keep = false } = {}) {
      if (keep && JSON.stringify(next) === JSON.stringify(filters) && generation) return;
      filters = next;
      generation += 1;
      ctrl.abort();
      ctrl = new AbortController();
      cache.clear();
      total = null;
      failed = false;
      pending = 0;
      shown = [];
      settle();
    },
    setTotal(n) { total = n; },
    total: () => total,
    /** Called when a tile arrives, so the layer draws it. */
    onChange(fn) { listeners.add(fn); return () => listeners.delete(fn); },
    busy: () => pending > 0,
    /** Resolves once no tile is loading (at once when none is). */
    whenIdle() { return new Promise((resolve) => { idleWaiters.push(resolve); settle(); }); },
    /** Items for the view (as supercluster's): the tiles loaded so far; the last complete view until one arrives. */
    getClusters(bbox, z) {
      const tz = tileZoom(z);
      const out = [];
      let missing = 0;
      for (const [x, y] of tilesOver(bbox, tz)) {
        const key = `${tz}/${x}/${y}`;
        if (!cache.has(key)) { load(tz, x, y); missing += 1; continue; }
        const items = cache.get(key);
        if (items === null) { missing += 1; continue; }
        cache.delete(key); // most recently used last
        cache.set(key, items);
        for (const it of items) out.push(it);
      }
      if (missing && !out.length) return shown;
      shown = out;
      return out;
    },
    /** Ask for the view's tiles before the layer draws (boot: while the area layers load). */
    prefetch() {
      const b = map.getBounds().pad(PAD);
      this.getClusters([b.getWest(), b.getSouth(), b.getEast(), b.getNorth()], map.getZoom());
    },
    getClusterExpansionZoom() { return Math.min(MAX_MAP_ZOOM, Math.floor(map.getZoom()) + 2); },
    /** A project drawn on its own in the view, as a GeoJSON feature, or null. */
    get(id) { return shown.find((it) => it.properties.cluster !== true && String(it.properties.id) === String(id)) || null; },
    /** The projects drawn on their own in the view (the panel's list in tile mode). */
    points: () => shown.filter((it) => it.properties.cluster !== true),
  };
}
