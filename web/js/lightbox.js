// Full-screen viewer of a list of photos (display copies), with previous/next and Esc.
import { t } from './i18n.js';
import { badges, takenText } from './photo-common.js';
import { h, fill } from './dom.js';

export function openLightbox(meta, photos, index) {
  let i = index;
  const previousFocus = document.activeElement;
  const box = document.createElement('div');
  box.className = 'lightbox';
  box.setAttribute('role', 'dialog');
  box.setAttribute('aria-modal', 'true');
  box.dataset.testid = 'lightbox';
  document.body.append(box);

  function render() {
    const p = photos[i];
    const name = p.caption || p.original_name || '';
    const close_ = h('button', { type: 'button', class: 'lightbox-close', 'aria-label': t('photos.close'), onclick: close }, '×');
    fill(box,
      h('figure', { class: 'lightbox-figure' },
        h('img', { src: p.urls.display, alt: name, dataset: { testid: 'lightbox-image' } }),
        h('figcaption', {},
          h('strong', {}, name),
          h('span', { class: 'muted' }, `${p.project_name} · ${takenText(p)}${p.uploader ? ` · ${p.uploader}` : ''}`),
          badges(meta, p),
          h('a', { href: p.urls.original, target: '_blank', rel: 'noopener' }, t('photos.original')),
          // what visitors see: the band drawn from the checked facts (staff are shown the plain copy above)
          p.urls.stamped && h('a', { href: p.urls.stamped, target: '_blank', rel: 'noopener', dataset: { testid: 'lightbox-stamped' } }, t('photos.stamped')))),
      close_,
      photos.length > 1 && [
        h('button', { type: 'button', class: 'lightbox-prev', 'aria-label': t('photos.prev'), onclick: () => step(-1) }, '‹'),
        h('button', { type: 'button', class: 'lightbox-next', 'aria-label': t('photos.next'), onclick: () => step(1) }, '›'),
      ]);
    close_.focus();
  }
  function step(d) { i = (i + d + photos.length) % photos.length; render(); }
  function close() {
    document.removeEventListener('keydown', onKey);
    box.remove();
    previousFocus?.focus?.();
  }
  function onKey(e) {
    if (e.key === 'Escape') close();
    else if (e.key === 'ArrowLeft') step(-1);
    else if (e.key === 'ArrowRight') step(1);
  }
  box.addEventListener('click', (e) => { if (e.target === box) close(); });
  document.addEventListener('keydown', onKey);
  render();
  return { close };
}
