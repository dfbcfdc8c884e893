// Toggleable map layer of photo positions: a camera marker where each photo was
// taken, joined to its project by a line; also hosts "place a photo by hand".
import * as L from 'leaflet';
import { api } from './api.js';
import { t } from './i18n.js';
import { photosChanged, cameraIcon } from './photo-common.js';
import { h } from './dom.js';
import { clickPopup } from './map-text.js';
import { showError, toast } from './toast.js';

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

  // Place a photo by hand: the next map click is its position.
  window.addEventListener('warroom:place-photo', (e) => {
    const { photoId, projectId } = e.detail;
    toast(t('photos.placeHint'), { kind: 'info', timeout: 5000 });
    map.getContainer().classList.add('placing-photo');
    map.once('click', async (ev) => {
      map.getContainer().classList.remove('placing-photo');
      try {
        await api.placePhoto(photoId, Number(ev.latlng.lng.toFixed(6)), Number(ev.latlng.lat.toFixed(6)));
        toast(t('photos.placed'), { kind: 'info', timeout: 3000 });
        if (!map.hasLayer(layer)) map.addLayer(layer);
        photosChanged(projectId);
      } catch (err) { showError(err); }
    });
  });
  return { layer, reload: load };
}
