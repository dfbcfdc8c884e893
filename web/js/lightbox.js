// Full-screen viewer of a list of photos (display copies), with previous/next and Esc.
import { t } from './i18n.js';
import { badgesHtml, takenText } from './photo-common.js';
import { esc } from './html.js';

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
    box.innerHTML = `
      <figure class="lightbox-figure">
        <img src="${esc(p.urls.display)}" alt="${esc(p.caption || p.original_name || '')}" data-testid="lightbox-image">
        <figcaption>
          <strong>${esc(p.caption || p.original_name || '')}</strong>
          <span class="muted">${esc(p.project_name)} · ${esc(takenText(p))}${p.uploader ? ` · ${esc(p.uploader)}` : ''}</span>
          ${badgesHtml(meta, p)}
          <a href="${esc(p.urls.original)}" target="_blank" rel="noopener">${esc(t('photos.original'))}</a>
        </figcaption>
      </figure>
      <button type="button" class="lightbox-close" aria-label="${esc(t('photos.close'))}">×</button>
      ${photos.length > 1 ? `<button type="button" class="lightbox-prev" aria-label="${esc(t('photos.prev'))}">‹</button>
      <button type="button" class="lightbox-next" aria-label="${esc(t('photos.next'))}">›</button>` : ''}`;
    box.querySelector('.lightbox-close').addEventListener('click', close);
    box.querySelector('.lightbox-prev')?.addEventListener('click', () => step(-1));
    box.querySelector('.lightbox-next')?.addEventListener('click', () => step(1));
    box.querySelector('.lightbox-close').focus();
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
