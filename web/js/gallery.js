// The project panel's photo section: the upload box and the project's photos
// grouped by reporting month, with badges, a lightbox and "place on the map".
import { api } from './api.js';
import { t, onLangChange } from './i18n.js';
import { badges, takenText, photosChanged } from './photo-common.js';
import { h, fill } from './dom.js';
import { createUploader } from './upload.js';
import { openLightbox } from './lightbox.js';
import { showError } from './toast.js';
import { currentUser, userMay } from './auth.js';

let dispose = null; // listeners of the section currently shown

/** Add the photo section for project properties `p` to the card element `host`. */
export function mountProjectPhotos(host, p, meta) {
  if (dispose) dispose();
  const count = h('span', { class: 'muted photos-count' });
  const gallery = h('div', { class: 'photos-gallery', dataset: { testid: 'photo-gallery' } });
  const section = h('section', { class: 'photos', dataset: { testid: 'project-photos' } },
    h('h3', { class: 'photos-title' }, t('photos.title'), ' ', count, ' ',
      h('a', { class: 'photos-wall-link', href: `/photos.html#district=${encodeURIComponent(p.district || '')}` }, `${t('photos.wall')} →`)),
    createUploader(meta, p.id, { district: p.district, projectName: p.name }),
    gallery);
  host.append(section);
  let photos = [];
  let ctrl = null;
  let mayPublish = false;
  let mayPlace = false; // placing by hand is an uploader's act, within a reporter's own district

  async function publish(box, photo) {
    box.disabled = true;
    try {
      await api.publishPhoto(photo.id, box.checked);
      photosChanged(p.id);
    } catch (err) { box.checked = !box.checked; box.disabled = false; showError(err); }
  }

  function tile(x, i) {
    const name = x.caption || x.original_name || '';
    const at = x.placement ? [x.placement.lon, x.placement.lat] : null; // a standing placement is moved, not redone
    const place = () => window.dispatchEvent(new CustomEvent('warroom:place-photo', { detail: { photoId: x.id, projectId: p.id, at } }));
    return h('li', { class: 'photo-tile', dataset: { testid: 'photo-tile', photoId: x.id } },
      h('button', { type: 'button', class: 'photo-open', title: name, onclick: () => openLightbox(meta, photos, i) },
        h('img', { src: x.urls.thumb, alt: name, loading: 'lazy', width: 160, height: 120 })),
      h('div', { class: 'photo-meta' }, h('span', { class: 'muted' }, takenText(x)), badges(meta, x),
        x.gps !== 'ok' && mayPlace && h('button', { type: 'button', class: 'btn btn-small photo-place', dataset: { testid: 'photo-place' }, onclick: place }, t('photos.place')),
        mayPublish && h('label', { class: 'photo-publish', title: t('photos.publishTitle') },
          h('input', { type: 'checkbox', dataset: { testid: 'photo-publish', id: x.id }, checked: x.published, onchange: (e) => publish(e.target, x) }),
          ' ', t('photos.publish'))));
  }

  function render() {
    count.textContent = photos.length ? t('photos.count', { n: photos.length }) : '';
    if (!photos.length) { fill(gallery, h('p', { class: 'muted' }, t('photos.empty'))); return; }
    const months = [...new Set(photos.map((x) => x.month))];
    fill(gallery, months.map((m) => [
      h('h4', { class: 'photos-month' }, m),
      h('ul', { class: 'photo-grid' }, photos.map((x, i) => x.month === m && tile(x, i))),
    ]));
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
  fill(gallery, h('p', { class: 'muted' }, '…'));
  currentUser().then((user) => {
    mayPublish = userMay(meta, user, 'publish_photos');
    mayPlace = userMay(meta, user, 'upload_photos') && !(user.district && p.district && user.district !== p.district);
    load();
  });
}
