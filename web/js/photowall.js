// District photo wall: the latest photos of every project in a district for a
// month, with their verification badges. State lives in the hash: #district=…&month=YYYY-MM
import { api } from './api.js';
import { initI18n, setMeta, t, label, nameOf, toggleLang, onLangChange } from './i18n.js';
import { badges, takenText, thisMonth } from './photo-common.js';
import { h, fill } from './dom.js';
import { openLightbox } from './lightbox.js';
import { showError } from './toast.js';
import { mountUserBox } from './auth.js'; // the header's user box, as on every page

const $ = (id) => document.getElementById(id);

function readHash() {
  const q = new URLSearchParams(location.hash.slice(1));
  return { district: q.get('district') || '', month: q.get('month') || thisMonth() };
}

async function boot() {
  initI18n();
  mountUserBox(document.getElementById('user-box'));
  const meta = await api.meta();
  setMeta(meta);
  const select = $('wall-district');
  const month = $('wall-month');
  let state = readHash();
  let data = null;

  const renderSelect = () => {
    fill(select, h('option', { value: '' }, t('photos.wallCity')),
      meta.districts.map((d) => h('option', { value: d.name }, label(d))));
    select.value = state.district;
  };

  function render() {
    const wall = $('wall');
    if (!data) return;
    const flat = data.projects.flatMap((p) => p.photos);
    const cards = data.projects.map((p) => h('article', { class: 'wall-project card', dataset: { testid: 'wall-project', projectId: p.id } },
      h('h2', { class: 'card-title' }, h('a', { href: `/#project=${p.id}` }, p.name), ' ',
        h('span', { class: 'muted' }, `${p.code} · ${nameOf(p.district)}`)),
      h('ul', { class: 'photo-grid' }, p.photos.map((x) => h('li', { class: 'photo-tile', dataset: { testid: 'wall-photo', photoId: x.id } },
        h('button', { type: 'button', class: 'photo-open', onclick: () => openLightbox(meta, flat, flat.indexOf(x)) },
          h('img', { src: x.urls.thumb, alt: x.caption || x.original_name || '', loading: 'lazy', width: 160, height: 120 })),
        h('div', { class: 'photo-meta' }, h('span', { class: 'muted' }, takenText(x)), badges(meta, x)))))));
    const missing = data.projects_without_photos;
    fill(wall, cards.length ? cards : h('p', { class: 'muted card' }, t('photos.wallEmpty')),
      missing.length && h('details', { class: 'card wall-missing' },
        h('summary', {}, t('photos.wallMissing', { n: missing.length })),
        h('ul', {}, missing.map((p) => h('li', {}, h('a', { href: `/#project=${p.id}` }, p.name), ' ',
          h('span', { class: 'muted' }, nameOf(p.district)))))));
  }

  // Only the latest choice's answer is shown: a month picked (or a link followed) while an earlier answer is on its
  // way must not be undone when that one arrives last.
  let loadSeq = 0;
  async function load() {
    loadSeq += 1;
    const seq = loadSeq;
    document.body.dataset.loading = '1';
    try {
      const asked = state;
      const next = await api.photoWall({ district: asked.district, month: asked.month, perProject: 6 });
      if (seq !== loadSeq) return;
      data = next;
      $('wall').dataset.month = asked.month; // the month the wall shows
      render();
    } catch (err) {
      if (seq === loadSeq) showError(err);
    }
    if (seq === loadSeq) document.body.dataset.loading = '0';
  }

  function apply() {
    state = { district: select.value, month: month.value || thisMonth() };
    history.replaceState(null, '', `#${new URLSearchParams(state)}`);
    load();
  }
  renderSelect();
  month.value = state.month;
  select.addEventListener('change', apply);
  month.addEventListener('change', apply);
  window.addEventListener('hashchange', () => { state = readHash(); renderSelect(); month.value = state.month; load(); });
  $('lang-toggle').addEventListener('click', () => toggleLang());
  const renderLang = () => { $('lang-toggle').textContent = t('lang.switch'); document.title = t('photos.wallTitle'); renderSelect(); render(); };
  onLangChange(renderLang);
  renderLang();
  await load();
  document.body.dataset.ready = '1';
}

boot().catch(showError);
