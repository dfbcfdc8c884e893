// Photo upload box of the project panel: drag and drop or the phone camera
// (accept="image/*"), one request per file with its own progress bar, and the
// verification badges as soon as the server has checked the photo.
import { api } from './api.js';
import { t } from './i18n.js';
import { badgesHtml, thisMonth, photosChanged, CAMERA_SVG } from './photo-common.js';
import { esc } from './html.js';
import { currentUser, signInUrl } from './auth.js';

/** In place of the upload box: who may not upload here, and why. */
function uploadNote(user, district) {
  if (!user) return `${esc(t('auth.signInToUpload'))} <a href="${esc(signInUrl())}" data-testid="photo-sign-in">${esc(t('auth.signIn'))}</a>`;
  if (user.district && district && user.district !== district) return esc(t('auth.otherDistrict', { d: user.district }));
  return '';
}

export function createUploader(meta, projectId, { onUploaded, district } = {}) {
  const el = document.createElement('div');
  el.className = 'photo-upload';
  el.dataset.testid = 'photo-upload';
  el.innerHTML = `
    <label class="photo-drop" data-testid="photo-drop">
      <input type="file" accept="image/*" multiple data-testid="photo-input">
      <span>${CAMERA_SVG} ${esc(t('photos.drop'))}</span>
    </label>
    <div class="photo-upload-fields">
      <label>${esc(t('photos.month'))} <input type="month" class="photo-month" data-testid="photo-month" value="${thisMonth()}"></label>
      <label class="photo-caption-field">${esc(t('photos.caption'))} <input type="text" class="photo-caption" maxlength="500"></label>
    </div>
    <ul class="photo-queue" data-testid="photo-queue"></ul>`;
  const input = el.querySelector('input[type=file]');
  const drop = el.querySelector('.photo-drop');
  const queue = el.querySelector('.photo-queue');

  async function send(file) {
    const row = document.createElement('li');
    row.className = 'photo-job';
    row.dataset.testid = 'photo-job';
    row.innerHTML = `<span class="photo-job-name">${esc(file.name)}</span>
      <progress max="1" value="0"></progress><span class="photo-job-status" data-testid="photo-job-status">${esc(t('photos.uploading', { p: '0%' }))}</span>`;
    queue.prepend(row);
    const bar = row.querySelector('progress');
    const status = row.querySelector('.photo-job-status');
    try {
      const photo = await api.uploadPhoto(projectId, file, {
        month: el.querySelector('.photo-month').value,
        caption: el.querySelector('.photo-caption').value.trim(),
        onProgress: (f) => {
          bar.value = f;
          status.textContent = f < 1 ? t('photos.uploading', { p: `${Math.round(f * 100)}%` }) : t('photos.processing');
        },
      });
      bar.value = 1;
      row.classList.add('photo-job-ok');
      status.innerHTML = `${esc(t('photos.done'))} ${badgesHtml(meta, photo)}`;
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
  input.addEventListener('change', () => { sendAll([...input.files]); input.value = ''; });
  for (const ev of ['dragenter', 'dragover']) drop.addEventListener(ev, (e) => { e.preventDefault(); drop.classList.add('drag'); });
  for (const ev of ['dragleave', 'drop']) drop.addEventListener(ev, () => drop.classList.remove('drag'));
  drop.addEventListener('drop', (e) => { e.preventDefault(); sendAll([...(e.dataTransfer?.files || [])]); });
  currentUser().then((user) => {
    const note = uploadNote(user, district);
    if (note) el.innerHTML = `<p class="muted photo-upload-note" data-testid="photo-upload-note">${note}</p>`;
  });
  return el;
}
