// The tours page's map: the candidate projects (click to pick when picking), and a tour's stops numbered in visiting
// order joined by straight lines (a line between stops, never a road route). Text reaches Leaflet only as nodes.
import * as L from 'leaflet';
import { api } from './api.js';
import { h } from './dom.js';
import { nameOf } from './i18n.js';
import { hoverTooltip } from './map-text.js';

const LIGHT_COLOURS = { green: '#2ca25f', yellow: '#f0b400', red: '#de2d26' };

export async function createTourMap(el, meta) {
  const map = L.map(el, { minZoom: 7, maxZoom: 18 });
  const b = meta.bounds;
  map.fitBounds([[b[1], b[0]], [b[3], b[2]]]);
  const districts = await api.layer('districts');
  L.geoJSON(districts, { style: { color: '#6b7280', weight: 1, fillColor: '#eef2f6', fillOpacity: 0.7 } }).addTo(map);
  const tip = hoverTooltip(map);
  const candidates = L.layerGroup().addTo(map);
  const route = L.layerGroup().addTo(map);
  const byId = new Map();

  /** The filter's projects as dots; picked ones ringed. onClick(id) when a dot is clicked. */
  function showProjects(features, picked, onClick) {
    candidates.clearLayers();
    byId.clear();
    for (const f of features) {
      const p = f.properties;
      const [lon, lat] = f.geometry.coordinates;
      const m = L.circleMarker([lat, lon], {
        radius: picked.has(p.id) ? 8 : 5,
        color: picked.has(p.id) ? '#1d4ed8' : '#ffffff',
        weight: picked.has(p.id) ? 3 : 1,
        fillColor: LIGHT_COLOURS[p.light] || '#6b7280',
        fillOpacity: 0.9,
      });
      tip.attach(m, () => `${p.name} · ${nameOf(p.district)}`);
      m.on('click', () => onClick(p.id));
      candidates.addLayer(m);
      byId.set(p.id, m);
    }
  }

  /** A tour: its start, numbered stops and the straight lines between them, in order; fits the view to them. */
  function showTour(tour) {
    route.clearLayers();
    if (!tour) return;
    const points = [];
    if (tour.start) {
      const at = [tour.start.lat, tour.start.lon];
      points.push(at);
      const icon = L.divIcon({ className: 'tour-start-icon', html: h('span'), iconSize: [14, 14] });
      tip.attach(L.marker(at, { icon }).addTo(route), () => tour.start.label);
    }
    for (const s of tour.stops) {
      const at = [s.lat, s.lon];
      points.push(at);
      const icon = L.divIcon({
        className: 'tour-stop-icon',
        html: h('span', { dataset: { testid: 'tour-stop-marker', seq: s.seq } }, String(s.seq)),
        iconSize: [22, 22],
      });
      tip.attach(L.marker(at, { icon, zIndexOffset: 1000 }).addTo(route), () => `${s.seq}. ${s.name}`);
    }
    if (points.length > 1) L.polyline(points, { color: '#b91c1c', weight: 3, dashArray: '6 4' }).addTo(route);
    if (points.length) map.fitBounds(L.latLngBounds(points).pad(0.2), { maxZoom: 13 });
  }

  return { map, showProjects, showTour, candidateCount: () => byId.size };
}
