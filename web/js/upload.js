// Photo upload box of the project panel: drag and drop or the phone camera
// (accept="image/*"), one request per file with its own progress bar, and the
// verification badges as soon as the server has checked the photo.
import { api } from './api.js';
import { t } from './i18n.js';
import { badges, thisMonth, photosChanged, cameraIcon } from './photo-common.js';
import { h, fill } from './dom.js';
import { currentUser, signInUrl, userMay } from './auth.js';
import './i18n-phone.js';

/** In place of the upload box: who may not upload here, and why ('' when the role may not upload at all;
 * null when the user may). */
function uploadNote(meta, user, district) {
  if (!user) return [t('auth.signInToUpload'), ' ', h('a', { href: signInUrl(), dataset: { testid: 'photo-sign-in' } }, t('auth.signIn'))];
  if (!userMay(meta, user, 'upload_photos')) return '';
  if (user.district && district && user.district !== district) return [t('auth.otherDistrict', { d: user.district })];
  return null;
}

export function createUploader(meta, projectId, { onUploaded, district } = {}) {
  const input = h('input', { type: 'file', accept: 'image/*', multiple: true, dataset: { testid: 'photo-input' } });
  const drop = h('label', { class: 'photo-drop', dataset: { testid: 'photo-drop' } }, input, h('span', {}, cameraIcon(), ' ', t('photos.drop')));
  // On a phone (css/phone.css) the drop zone gives way to 拍照 (the rear camera) and 从相册选择.
  const camera = h('input', { type: 'file', accept: 'image/*', capture: 'environment', dataset: { testid: 'photo-camera' } });
  const album = h('input', { type: 'file', accept: 'image/*', multiple: true, dataset: { testid: 'photo-album' } });
  const pick = h('div', { class: 'photo-pick' },
    h('label', { class: 'btn' }, camera, cameraIcon(), ' ', t('photos.camera')),
    h('label', { class: 'btn' }, album, t('photos.album')));
  const monthInput = h('input', { type: 'month', class: 'photo-month', dataset: { testid: 'photo-month' }, value: thisMonth() });
  const captionInput = h('input', { type: 'text', class: 'photo-caption', maxlength: 500 });
  const queue = h('ul', { class: 'photo-queue', dataset: { testid: 'photo-queue' } });
  const el = h('div', { class: 'photo-upload', dataset: { testid: 'photo-upload' } },
    drop, pick,
    h('div', { class: 'photo-upload-fields' },
      h('label', {}, t('photos.month'), ' ', monthInput),
      h('label', { class: 'photo-caption-field' }, t('photos.caption'), ' ', captionInput)),
    queue);

  async function send(file) {
    const bar = h('progress', { max: 1, value: 0 });
    const status = h('span', { class: 'photo-job-status', dataset: { testid: 'photo-job-status' } }, t('photos.uploading', { p: '0%' }));
    const row = h('li', { class: 'photo-job', dataset: { testid: 'photo-job' } }, h('span', { class: 'photo-job-name' }, file.name), bar, status);
    queue.prepend(row);
    try {
      const photo = await api.uploadPhoto(projectId, file, {
        month: monthInput.value,
        caption: captionInput.value.trim(),
        onProgress: (f) => {
          bar.value = f;
          status.textContent = f < 1 ? t('photos.uploading', { p: `${Math.round(f * 100)}%` }) : t('photos.processing');
        },
      });
      bar.value = 1;
      row.classList.add('photo-job-ok');
      fill(status, t('photos.done'), ' ', badges(meta, photo));
      photosChanged(projectId);
      onUploaded && onUploaded(photo);
    } catch (err) {
      row.classList.add('photo-job-failed');
      status.textContent = err.status === 409 && err.existing ? t('photos.duplicate', { id: err.existing.id }) : (err.detail || err.message);
      status.setAttribute('role', 'alert');
    }
  }

  function sendAll(files) {
    for (const f of files) send(f); // parallel requests; the server decodes them in its threadpool
  }
  for (const x of [input, camera, album]) x.addEventListener('change', () => { sendAll([...x.files]); x.value = ''; });
  for (const ev of ['dragenter', 'dragover']) drop.addEventListener(ev, (e) => { e.preventDefault(); drop.classList.add('drag'); });
  for (const ev of ['dragleave', 'drop']) drop.addEventListener(ev, () => drop.classList.remove('drag'));
  drop.addEventListener('drop', (e) => { e.preventDefault(); sendAll([...(e.dataTransfer?.files || [])]); });
  // Hidden until the account is known: a box the role may not use is never offered, not even for a moment.
  el.hidden = true;
  currentUser().then((user) => {
    const note = uploadNote(meta, user, district);
    if (note === '') fill(el);
    else if (note) fill(el, h('p', { class: 'muted photo-upload-note', dataset: { testid: 'photo-upload-note' } }, note));
    el.dataset.state = note === null ? 'allowed' : 'denied';
    el.hidden = note === '';
  });
  return el;
}
