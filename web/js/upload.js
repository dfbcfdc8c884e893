// Photo upload box of the project panel: drag and drop or the phone camera
// (accept="image/*"), one request per file with its own progress bar, and the
// verification badges as soon as the server has checked the photo.
import { api } from './api.js';
import { t } from './i18n.js';
import { badges, thisMonth, photosChanged, cameraIcon } from './photo-common.js';
import { h, fill } from './dom.js';
import { currentUser, signInUrl, userMay } from './auth.js';
import './i18n-phone.js';
import * as outbox from './outbox.js'; // issue 16: kept and resent until the server answers

/** In place of the upload box: who may not upload here, and why ('' when the role may not upload at all;
 * null when the user may). */
function uploadNote(meta, user, district) {
  if (!user) return [t('auth.signInToUpload'), ' ', h('a', { href: signInUrl(), dataset: { testid: 'photo-sign-in' } }, t('auth.signIn'))];
  if (!userMay(meta, user, 'upload_photos')) return '';
  if (user.district && district && user.district !== district) return [t('auth.otherDistrict', { d: user.district })];
  return null;
}

/** The phone's position now ({lon, lat, accuracy_m}), or null when refused, unavailable or slower than 10 s. */
function devicePosition() {
  if (!navigator.geolocation) return Promise.resolve(null);
  return new Promise((resolve) => {
    navigator.geolocation.getCurrentPosition(
      (p) => resolve({ lon: p.coords.longitude, lat: p.coords.latitude, accuracy_m: Math.round(p.coords.accuracy * 10) / 10 }),
      () => resolve(null),
      { enableHighAccuracy: true, timeout: 10_000, maximumAge: 120_000 });
  });
}

/** What the photo says about itself, read on this device before it is queued; null when it cannot be read here
 * (exifr not loaded, e.g. offline before the app kept it). Loaded on first use: the map's first paint needs none. */
function readFacts(file) {
  return import('./photo-facts.js').then((m) => m.readPhotoFacts(file)).catch(() => null);
}

/** The outbox row's line on the photo's own position, or the device position that will go with it. */
function factsLine(facts, device, asked) {
  if (!facts) return { kind: 'unknown', text: '' };
  const when = facts.taken ? t('photos.taken', { t: facts.offset ? `${facts.taken} (${facts.offset})` : facts.taken }) : t('photos.noTime');
  if (facts.lat != null) return { kind: 'exif', text: `${t('facts.exif', { lat: facts.lat.toFixed(4), lon: facts.lon.toFixed(4) })} · ${when}` };
  if (device) return { kind: 'device', text: `${t('facts.device', { m: Math.round(device.accuracy_m) })} · ${when}` };
  return { kind: asked ? 'no-device' : 'none', text: `${t(asked ? 'facts.noDevice' : 'facts.none')} · ${when}` };
}

export function createUploader(meta, projectId, { onUploaded, district, projectName } = {}) {
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

  const rows = new Map(); // outbox id → {row, bar, status}

  function showDone(job, photo) {
    job.bar.value = 1;
    job.row.classList.remove('photo-job-queued', 'photo-job-failed');
    job.row.classList.add('photo-job-ok');
    job.row.dataset.outboxState = 'sent';
    fill(job.status, t('outbox.sent'), ' · ', t('photos.done'), ' ', badges(meta, photo));
  }
  function showWaiting(job, err) {
    job.row.classList.add('photo-job-queued');
    job.row.dataset.outboxState = 'pending';
    const why = err && err.status === 401 ? t('outbox.signIn') : t('outbox.kept');
    job.status.textContent = `${t('outbox.pending')} · ${why}`;
  }
  function showRefused(job, err, existing) {
    job.row.classList.add('photo-job-failed');
    job.row.dataset.outboxState = 'rejected';
    const reason = err?.status === 409 && existing ? t('photos.duplicate', { id: existing.id }) : (err?.detail || err?.message || err?.reason || '');
    job.status.textContent = `${t('outbox.rejected')} · ${reason}`;
    job.status.setAttribute('role', 'alert');
  }
  function jobRow(name) {
    const bar = h('progress', { max: 1, value: 0 });
    const status = h('span', { class: 'photo-job-status', dataset: { testid: 'photo-job-status' } }, t('photos.uploading', { p: '0%' }));
    const facts = h('span', { class: 'photo-job-facts muted', dataset: { testid: 'photo-job-facts', facts: 'reading' } }, t('facts.reading'));
    const row = h('li', { class: 'photo-job', dataset: { testid: 'photo-job' } }, h('span', { class: 'photo-job-name' }, name), bar, status, facts);
    queue.prepend(row);
    return { row, bar, status, facts };
  }
  function showFacts(job, facts, device, asked) {
    const line = factsLine(facts, device, asked);
    job.facts.dataset.facts = line.kind;
    job.facts.textContent = line.text;
  }

  async function send(file, device, asked) {
    const job = jobRow(file.name);
    const onProgress = (f) => {
      job.bar.value = f;
      job.row.dataset.outboxState = 'sending';
      job.status.textContent = f < 1 ? `${t('outbox.sending')} · ${t('photos.uploading', { p: `${Math.round(f * 100)}%` })}` : t('photos.processing');
    };
    let item = null;
    const id = outbox.newKey();
    rows.set(id, job); // before it is stored: the store's change event must find this row, not draw another
    job.row.dataset.outboxId = id;
    const month = monthInput.value;
    const caption = captionInput.value.trim();
    // Read before anything else touches the file: the original's own facts, shown; the bytes go unchanged.
    const facts = await readFacts(file);
    showFacts(job, facts, device, asked);
    try {
      item = await outbox.addPhoto({ id, projectId, projectName, file, month, caption, device, facts, asked });
    } catch { /* no IndexedDB (a private window): send directly, as before the outbox */ }
    try {
      const photo = item
        ? await outbox.send(item.id, { onProgress })
        : await api.uploadPhoto(projectId, file, { month, caption, device, onProgress });
      showDone(job, photo);
      photosChanged(projectId);
      onUploaded && onUploaded(photo);
    } catch (err) {
      if (err.queued) showWaiting(job, err);
      else showRefused(job, err, err.existing);
    }
  }

  // Items sent later (back online, on open) or left from an earlier visit update their rows here.
  const onOutbox = (e) => {
    if (!el.isConnected) { window.removeEventListener('warroom:outbox', onOutbox); return; }
    const it = e.detail.item;
    if (it.projectId !== String(projectId) || (it.kind && it.kind !== 'photo')) return; // reports: report-form.js
    let job = rows.get(it.id);
    if (!job && it.state !== 'gone') {
      job = jobRow(it.name);
      job.row.dataset.outboxId = it.id;
      rows.set(it.id, job);
      showFacts(job, it.facts, it.device, it.asked);
    }
    if (!job) return;
    if (it.state === 'sent' && job.row.dataset.outboxState !== 'sent') { showDone(job, it.result); photosChanged(projectId); }
    else if (it.state === 'pending' && job.row.dataset.outboxState !== 'pending') showWaiting(job, { status: it.status });
    else if (it.state === 'sending') { job.row.dataset.outboxState = 'sending'; job.status.textContent = t('outbox.sending'); }
    else if (it.state === 'rejected') showRefused(job, { status: it.status, detail: it.reason });
  };
  window.addEventListener('warroom:outbox', onOutbox);
  outbox.items(projectId).then((list) => {
    for (const it of list) if (it.kind === 'photo' && it.state !== 'sent' && !rows.has(it.id)) onOutbox({ detail: { item: it } });
  }).catch(() => {});

  async function sendAll(files, { locate = false } = {}) {
    // 设备定位: the phone's own position, asked when a photo is taken or chosen in the app, sent beside the EXIF.
    const device = locate && files.length ? await devicePosition() : null;
    for (const f of files) send(f, device, locate); // parallel requests; the server decodes them in its threadpool
  }
  input.addEventListener('change', () => { sendAll([...input.files]); input.value = ''; });
  for (const x of [camera, album]) x.addEventListener('change', () => { sendAll([...x.files], { locate: true }); x.value = ''; });
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
