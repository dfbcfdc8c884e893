// District photo wall: the latest photos of every project in a district for a
// month, with their verification badges. State lives in the hash: #district=…&month=YYYY-MM
import { api } from './api.js';
import { initI18n, setMeta, t, label, nameOf, toggleLang, onLangChange } from './i18n.js';
import { badgesHtml, takenText, thisMonth } from './photo-common.js';
import { esc } from './html.js';
import { openLightbox } from './lightbox.js';
import { showError } from './toast.js';

const $ = (id) => document.getElementById(id);

function readHash() {
  const q = new URLSearchParams(location.hash.slice(1));
  return { district: q.get('district') || '', month: q.get('month') || thisMonth() };
}

async function boot() {
  initI18n();
  const meta = await api.meta();
  setMeta(meta);
  const select = $('wall-district');
  const month = $('wall-month');
  let state = readHash();
  let data = null;

  const renderSelect = () => {
    select.innerHTML = `<option value="">${esc(t('photos.wallCity'))}</option>`
      + meta.districts.map((d) => `<option value="${esc(d.name)}">${esc(label(d))}</option>`).join('');
    select.value = state.district;
  };

  function render() {
    const wall = $('wall');
    if (!data) return;
    const flat = data.projects.flatMap((p) => p.photos);
    const cards = data.projects.map((p) => `
      <article class="wall-project card" data-testid="wall-project" data-project-id="${p.id}">
        <h2 class="card-title"><a href="/#project=${p.id}">${esc(p.name)}</a> <span class="muted">${esc(p.code)} · ${esc(nameOf(p.district))}</span></h2>
        <ul class="photo-grid">${p.photos.map((x) => `
          <li class="photo-tile" data-testid="wall-photo" data-photo-id="${x.id}">
            <button type="button" class="photo-open" data-index="${flat.indexOf(x)}">
              <img src="${esc(x.urls.thumb)}" alt="${esc(x.caption || x.original_name || '')}" loading="lazy" width="160" height="120"></button>
            <div class="photo-meta"><span class="muted">${esc(takenText(x))}</span>${badgesHtml(meta, x)}</div>
          </li>`).join('')}</ul>
      </article>`).join('');
    const missing = data.projects_without_photos;
    wall.innerHTML = (cards || `<p class="muted card">${esc(t('photos.wallEmpty'))}</p>`)
      + (missing.length ? `<details class="card wall-missing"><summary>${esc(t('photos.wallMissing', { n: missing.length }))}</summary>
          <ul>${missing.map((p) => `<li><a href="/#project=${p.id}">${esc(p.name)}</a> <span class="muted">${esc(nameOf(p.district))}</span></li>`).join('')}</ul></details>` : '');
    for (const b of wall.querySelectorAll('.photo-open')) b.addEventListener('click', () => openLightbox(meta, flat, Number(b.dataset.index)));
  }

  async function load() {
    document.body.dataset.loading = '1';
    try {
      data = await api.photoWall({ district: state.district, month: state.month, perProject: 6 });
      render();
    } catch (err) { showError(err); }
    document.body.dataset.loading = '0';
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
