// Placing a photo by hand (issue 16): 标注拍摄位置 in the gallery puts a draggable pin on the map (its whole 44 px box
// is the handle a finger holds), moved by dragging it or tapping the map; nothing is stored until 确认 and 取消
// leaves no trace. After 确认 the toast offers 撤销 for a few seconds: it withdraws the placement through the API
// (DELETE …/location, audited like the placement), which gives the photo back the claim it replaced. The placement
// stays its own kind of evidence (手动定位 · 待核实), never written into the EXIF facts or the device position.
import * as L from 'leaflet';
import { api } from './api.js';
import { t, addMessages } from './i18n.js';
import { h } from './dom.js';
import { photosChanged } from './photo-common.js';
import { showError, toast } from './toast.js';
import { bottomSheet } from './phone.js';

addMessages({
  zh: {
    'place.title': '标注拍摄位置',
    'place.hint': '拖动图钉到照片拍摄位置,或点按地图;点“确认”后才保存。',
    'place.pin': '照片拍摄位置(可拖动)',
    'place.confirm': '确认',
    'place.cancel': '取消',
    'place.undo': '撤销',
    'place.undone': '已撤销手动定位',
  },
  en: {
    'place.title': 'Mark where it was taken',
    'place.hint': 'Drag the pin to where the photo was taken, or tap the map; nothing is saved until you confirm.',
    'place.pin': 'Photo position (drag it)',
    'place.confirm': 'Confirm',
    'place.cancel': 'Cancel',
    'place.undo': 'Undo',
    'place.undone': 'Hand placement undone',
  },
});

export const UNDO_MS = 10_000;
const round6 = (x) => Number(x.toFixed(6));
const phone = () => window.matchMedia('(max-width: 699px)').matches;
let active = null; // the placement under way: {cancel}
let css = null;

/** css/photo-place.css, added on first use: the map's first load asks for one stylesheet less. */
function stylesheet() {
  css ||= new Promise((resolve) => {
    const link = h('link', { rel: 'stylesheet', href: '/css/photo-place.css' });
    link.addEventListener('load', resolve);
    link.addEventListener('error', resolve); // unstyled is still usable
    document.head.append(link);
  });
  return css;
}

/** Start placing photo `photoId` of project `projectId`: the pin starts at `at` ([lon, lat], its standing placement)
 * or the map's centre; `onPlaced(photo)` runs once the server stored it. Resolves with {cancel}. */
export async function startPlacing(map, { photoId, projectId, at = null, onPlaced = null }) {
  if (active) active.cancel();
  await stylesheet();
  if (active) active.cancel(); // tapped twice while the stylesheet came: the last tap wins
  const sheet = phone() ? bottomSheet() : null;
  const snapBefore = sheet?.snap();
  if (sheet) sheet.set('peek'); // the map, not the card, is where the pin is placed
  const start = at ? L.latLng(at[1], at[0]) : map.getCenter();

  if (!map.getPane('place-pin')) map.createPane('place-pin').style.zIndex = 670; // above markers: always grabbable
  const icon = L.divIcon({ className: 'place-pin', html: h('span', { class: 'place-pin-head' }), iconSize: [44, 44], iconAnchor: [22, 44] });
  const pin = L.marker(start, { draggable: true, autoPan: true, icon, pane: 'place-pin', keyboard: true, title: t('place.pin') }).addTo(map);
  const pinEl = pin.getElement();
  pinEl.dataset.testid = 'place-pin';
  pinEl.setAttribute('aria-label', t('place.pin'));

  const coords = h('span', { class: 'place-coords', dataset: { testid: 'place-coords' } });
  const confirmBtn = h('button', { type: 'button', class: 'btn btn-primary', dataset: { testid: 'place-confirm' }, onclick: () => confirm() }, t('place.confirm'));
  const cancelBtn = h('button', { type: 'button', class: 'btn', dataset: { testid: 'place-cancel' }, onclick: () => finish() }, t('place.cancel'));
  const bar = h('section', { class: 'place-bar', 'aria-label': t('place.title'), dataset: { testid: 'place-bar', photoId: String(photoId) } },
    h('p', { class: 'place-hint' }, t('place.hint')), coords, h('div', { class: 'place-actions' }, confirmBtn, cancelBtn));
  map.getContainer().parentElement.append(bar);

  const show = () => {
    const ll = pin.getLatLng();
    bar.dataset.lon = String(round6(ll.lng));
    bar.dataset.lat = String(round6(ll.lat));
    coords.textContent = `${ll.lat.toFixed(5)}, ${ll.lng.toFixed(5)}`;
  };
  const onMapClick = (e) => { pin.setLatLng(e.latlng); show(); };
  const onKey = (e) => { if (e.key === 'Escape') finish(); };
  pin.on('drag dragend', show);
  map.on('click', onMapClick);
  document.addEventListener('keydown', onKey);
  map.getContainer().classList.add('placing-photo');
  show();
  confirmBtn.focus({ preventScroll: true });

  function finish() {
    pin.remove();
    bar.remove();
    map.off('click', onMapClick);
    document.removeEventListener('keydown', onKey);
    map.getContainer().classList.remove('placing-photo');
    if (sheet && snapBefore) sheet.set(snapBefore);
    if (active === handle) active = null;
  }

  async function confirm() {
    const ll = pin.getLatLng();
    confirmBtn.disabled = cancelBtn.disabled = true;
    let photo;
    try {
      photo = await api.placePhoto(photoId, round6(ll.lng), round6(ll.lat));
    } catch (err) {
      // e.g. outside Weihai: the pin stays, to be moved and confirmed again
      confirmBtn.disabled = cancelBtn.disabled = false;
      showError(err);
      return;
    }
    finish();
    photosChanged(projectId);
    if (onPlaced) onPlaced(photo);
    toast(t('photos.placed'), { kind: 'info', timeout: UNDO_MS, action: { label: t('place.undo'), testid: 'place-undo', onClick: undo } });
  }

  async function undo() {
    try {
      await api.withdrawPlacement(photoId);
      photosChanged(projectId);
      toast(t('place.undone'), { kind: 'info', timeout: 3000 });
    } catch (err) { showError(err); }
  }

  const handle = { cancel: finish };
  active = handle;
  return handle;
}
