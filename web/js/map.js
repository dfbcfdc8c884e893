// The Leaflet map: basemap per meta.basemap, panes, fit to meta.bounds.
import * as L from 'leaflet';
import { getLang, onLangChange } from './i18n.js';

const TDT_SUBDOMAINS = ['0', '1', '2', '3', '4', '5', '6', '7'];

function tiandituUrl(layer, key) {
  // WMTS in Web Mercator ("_w"); layer: vec (roads), cva (Chinese labels), eva (English labels)
  return `https://t{s}.tianditu.gov.cn/${layer}_w/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0`
    + `&LAYER=${layer}&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles&TILEMATRIX={z}&TILEROW={y}&TILECOL={x}&tk=${encodeURIComponent(key)}`;
}

export function boundsOf(b) {
  // meta.bounds is [minLon, minLat, maxLon, maxLat]
  return L.latLngBounds([b[1], b[0]], [b[3], b[2]]);
}

/** Create the map in `el`, fitted to the city unless `fit` is false (the caller fits once its overlays are placed,
 * so the area layers are projected once, not again at the second zoom). Returns {map, basemapKind, fitCity(), …}. */
export function createMap(el, meta, { fit = true } = {}) {
  const kind = (meta.basemap && meta.basemap.kind) || 'none';
  const map = L.map(el, {
    zoomControl: true,
    attributionControl: true,
    preferCanvas: false,
    minZoom: 7,
    maxZoom: 18,
    zoomSnap: 0.25,
    zoomDelta: 0.5,
    wheelPxPerZoomLevel: 90,
    keyboard: true,
  });
  el.classList.add(`basemap-${kind}`);
  map.attributionControl.setPrefix(false);

  // Panes: land (districts as land when no basemap) < areas < labels < markers
  map.createPane('land').style.zIndex = 250;
  map.createPane('areas').style.zIndex = 390;
  const labels = map.createPane('labels');
  labels.style.zIndex = 450;
  labels.style.pointerEvents = 'none';
  map.createPane('clusters').style.zIndex = 620;

  if (kind === 'tianditu' && meta.basemap.tianditu_key) {
    const key = meta.basemap.tianditu_key;
    L.tileLayer(tiandituUrl('vec', key), { subdomains: TDT_SUBDOMAINS, maxZoom: 18, attribution: '© 天地图' }).addTo(map);
    const labelTiles = L.tileLayer(tiandituUrl(getLang() === 'en' ? 'eva' : 'cva', key), { subdomains: TDT_SUBDOMAINS, maxZoom: 18 }).addTo(map);
    onLangChange((lang) => labelTiles.setUrl(tiandituUrl(lang === 'en' ? 'eva' : 'cva', key)));
  } else if (kind === 'osm' && meta.basemap.url) {
    L.tileLayer(meta.basemap.url, { maxZoom: 19, attribution: '© OpenStreetMap contributors' }).addTo(map);
  }

  const cityBounds = boundsOf(meta.bounds);
  map.setMaxBounds(cityBounds.pad(1.5));
  // Room for overlays (the legend) on the right/bottom; set by the app once they exist.
  const pad = { paddingTopLeft: [16, 16], paddingBottomRight: [16, 16] };
  const fitOptions = () => ({ ...pad });
  const setOverlayPadding = (right, bottom = 16) => { pad.paddingBottomRight = [right, bottom]; };
  const fitCity = (opts = {}) => map.fitBounds(cityBounds, { ...fitOptions(), ...opts });
  if (fit) fitCity({ animate: false });
  return { map, basemapKind: kind, fitCity, cityBounds, fitOptions, setOverlayPadding };
}
