// The project panel's photo section: the upload box and the project's photos
// grouped by reporting month, with badges, a lightbox and "place on the map".
import { api } from './api.js';
import { t, onLangChange } from './i18n.js';
import { badgesHtml, takenText, photosChanged } from './photo-common.js';
import { esc } from './html.js';
import { createUploader } from './upload.js';
import { openLightbox } from './lightbox.js';
import { showError } from './toast.js';
import { currentUser, userMay } from './auth.js';

let dispose = null; // listeners of the section currently shown

/** Add the photo section for project properties `p` to the card element `host`. */
export function mountProjectPhotos(host, p, meta) {
  if (dispose) dispose();
  const section = document.createElement('section');
  section.className = 'photos';
  section.dataset.testid = 'project-photos';
  section.innerHTML = `<h3 class="photos-title">${esc(t('photos.title'))} <span class="muted photos-count"></span>
      <a class="photos-wall-link" href="/photos.html#district=${encodeURIComponent(p.district || '')}">${esc(t('photos.wall'))} →</a></h3>
    <div class="photos-gallery" data-testid="photo-gallery"></div>`;
  section.insertBefore(createUploader(meta, p.id, { district: p.district }), section.querySelector('.photos-gallery'));
  host.append(section);
  const gallery = section.querySelector('.photos-gallery');
  let photos = [];
  let ctrl = null;
  let mayPublish = false;

  function render() {
    section.querySelector('.photos-count').textContent = photos.length ? t('photos.count', { n: photos.length }) : '';
    if (!photos.length) { gallery.innerHTML = `<p class="muted">${esc(t('photos.empty'))}</p>`; return; }
    const months = [...new Set(photos.map((x) => x.month))];
    gallery.innerHTML = months.map((m) => `
      <h4 class="photos-month">${esc(m)}</h4>
      <ul class="photo-grid">${photos.map((x, i) => (x.month !== m ? '' : `
        <li class="photo-tile" data-testid="photo-tile" data-photo-id="${x.id}">
          <button type="button" class="photo-open" data-index="${i}" title="${esc(x.caption || x.original_name || '')}">
            <img src="${esc(x.urls.thumb)}" alt="${esc(x.caption || x.original_name || '')}" loading="lazy" width="160" height="120"></button>
          <div class="photo-meta"><span class="muted">${esc(takenText(x))}</span>${badgesHtml(meta, x)}
            ${x.gps !== 'ok' ? `<button type="button" class="btn btn-small photo-place" data-id="${x.id}">${esc(t('photos.place'))}</button>` : ''}
            ${mayPublish ? `<label class="photo-publish" title="${esc(t('photos.publishTitle'))}"><input type="checkbox" data-testid="photo-publish" data-id="${x.id}"${x.published ? ' checked' : ''}> ${esc(t('photos.publish'))}</label>` : ''}</div>
        </li>`)).join('')}</ul>`).join('');
    for (const b of gallery.querySelectorAll('.photo-open')) b.addEventListener('click', () => openLightbox(meta, photos, Number(b.dataset.index)));
    for (const box of gallery.querySelectorAll('.photo-publish input')) {
      box.addEventListener('change', async () => {
        box.disabled = true;
        try {
          await api.publishPhoto(Number(box.dataset.id), box.checked);
          photosChanged(p.id);
        } catch (err) { box.checked = !box.checked; box.disabled = false; showError(err); }
      });
    }
    for (const b of gallery.querySelectorAll('.photo-place')) {
      b.addEventListener('click', () => window.dispatchEvent(new CustomEvent('warroom:place-photo', { detail: { photoId: Number(b.dataset.id), projectId: p.id } })));
    }
  }

  async function load() {
    if (ctrl) ctrl.abort();
    ctrl = new AbortController();
    try {
      photos = (await api.projectPhotos(p.id, { signal: ctrl.signal })).photos;
      if (section.isConnected) render();
    } catch (err) { showError(err); }
  }
  const onChanged = (e) => { if (String(e.detail.projectId) === String(p.id) && section.isConnected) load(); };
  window.addEventListener('warroom:photos-changed', onChanged);
  const offLang = onLangChange(() => section.isConnected && render());
  dispose = () => { window.removeEventListener('warroom:photos-changed', onChanged); offLang(); if (ctrl) ctrl.abort(); };
  gallery.innerHTML = `<p class="muted">…</p>`;
  currentUser().then((user) => { mayPublish = userMay(meta, user, 'publish_photos'); load(); });
}
