// Toggleable map layer of photo positions: a camera marker where each photo was
// taken, joined to its project by a line; it also starts placing a photo by hand (js/photo-place.js).
import * as L from 'leaflet';
import { api } from './api.js';
import { cameraIcon } from './photo-common.js';
import { h } from './dom.js';
import { clickPopup } from './map-text.js';
import { showError } from './toast.js';

const cameraMarker = (manual) => L.divIcon({
  className: `camera-marker${manual ? ' camera-manual' : ''}`,
  html: h('span', { class: 'camera-glyph' }, cameraIcon()),
  iconSize: [22, 22],
  iconAnchor: [11, 11],
});

export function createPhotoLayer(map) {
  const layer = L.layerGroup();
  const popup = clickPopup(map);
  let loaded = false;

  async function load() {
    try {
      const fc = await api.photoPositions();
      layer.clearLayers();
      for (const f of fc.features) {
        const [lon, lat] = f.geometry.coordinates;
        const q = f.properties;
        const [plon, plat] = q.project_coordinates;
        L.polyline([[plat, plon], [lat, lon]], { color: q.within_radius === false ? '#d97706' : '#0f766e', weight: 1.5, dashArray: '4 4', interactive: false }).addTo(layer);
        const m = L.marker([lat, lon], { icon: cameraMarker(q.location_source === 'manual'), title: q.project_name, alt: q.project_name });
        popup.attach(m, () => [h('img', { src: q.thumb, alt: '', width: 160 }), h('br'), q.project_name]).addTo(layer);
      }
      loaded = true;
    } catch (err) { showError(err); }
  }
  layer.on('add', () => { if (!loaded) load(); });
  window.addEventListener('warroom:photos-changed', () => { loaded = false; if (map.hasLayer(layer)) load(); });

  // Place a photo by hand: a draggable pin, 确认 / 取消, then 撤销 for a while (js/photo-place.js).
  window.addEventListener('warroom:place-photo', (e) => {
    import('./photo-place.js').then(({ startPlacing }) => {
      startPlacing(map, { ...e.detail, onPlaced: () => { if (!map.hasLayer(layer)) map.addLayer(layer); } });
    }).catch(showError);
  });
  return { layer, reload: load };
}
