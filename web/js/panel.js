// Side panel: the list of projects in the current filter (sorted by total
// investment) and the project card with a "返回列表" link back to the list.
import { t, label, nameOf, codeLabel, fmtYi, fmtPct, fmtDate, fmtInt, onLangChange } from './i18n.js';
import { bandIndex } from './markers.js';
import { toHash, getState, update } from './state.js';
import { mountReportForm } from './report-form.js'; // issue 6: monthly progress form in the card
import { mountProjectPhotos } from './gallery.js'; // [photos] site photo section (issue 4)
import { esc } from './html.js';

const LIST_LIMIT = 300;

export function createPanel(meta, { onZoomTo }) {
  const el = document.getElementById('project-panel');
  const bands = meta.progress_bands || [];
  const lights = new Map((meta.lights || []).map((l) => [l.code, l]));
  let features = [];
  let current = null; // feature shown in the card
  let mode = 'progress';
  let loading = false;

  const colourOf = (p) => {
    if (mode === 'light') return (lights.get(p.light) || {}).color || '#9ca3af';
    const i = bandIndex(bands, p.progress);
    return i < 0 ? '#9ca3af' : bands[i].color;
  };
  const bar = (p) => {
    const v = Math.max(0, Math.min(100, Number(p.progress) || 0));
    const planned = p.planned_progress == null ? null : Math.max(0, Math.min(100, Number(p.planned_progress)));
    return `<div class="pbar" role="progressbar" aria-valuemin="0" aria-valuemax="100" aria-valuenow="${v}" aria-label="${esc(t('panel.progress'))}">
      <span class="pbar-fill" style="width:${v}%;background:${colourOf(p)}"></span>
      ${planned == null ? '' : `<span class="pbar-plan" style="left:${planned}%" title="${esc(t('panel.planned', { p: fmtPct(planned) }))}"></span>`}
    </div>`;
  };
  const lightBadge = (code) => {
    const l = lights.get(code);
    if (!l) return esc(code || t('panel.none'));
    return `<span class="light-badge" data-light="${esc(code)}"><span class="dot" style="background:${esc(l.color)}"></span>${esc(label(l))}</span>`;
  };

  function backHref() {
    const s = getState();
    return toHash({ ...s, project: null }) || '#';
  }

  function renderList() {
    el.dataset.view = 'list';
    delete el.dataset.projectId;
    const sorted = [...features].sort((a, b) => (Number(b.properties.investment_total) || 0) - (Number(a.properties.investment_total) || 0));
    const shown = sorted.slice(0, LIST_LIMIT);
    const rows = shown.map((f) => {
      const p = f.properties;
      return `<li><button type="button" class="plist-item" data-id="${esc(p.id)}" data-testid="project-item">
        <span class="plist-dot" style="background:${colourOf(p)}" aria-hidden="true"></span>
        <span class="plist-main"><span class="plist-name">${esc(p.name)}</span>
          <span class="plist-sub">${esc(nameOf(p.district))} · ${esc(nameOf(p.cluster))} · ${esc(fmtPct(p.progress, 0))}</span></span>
        <span class="plist-inv">${esc(fmtYi(p.investment_total))}</span>
      </button></li>`;
    }).join('');
    const more = sorted.length > shown.length ? `<p class="muted">… +${fmtInt(sorted.length - shown.length)}</p>` : '';
    el.innerHTML = `
      <h2 class="card-title">${esc(t('panel.listTitle'))} <span class="muted">${esc(t('panel.listHint', { n: fmtInt(features.length) }))}</span></h2>
      ${loading ? `<p class="muted">${esc(t('panel.loading'))}</p>` : ''}
      ${features.length ? `<ol class="plist" data-testid="project-list">${rows}</ol>${more}` : (loading ? '' : `<p class="muted">${esc(t('panel.empty'))}</p>`)}`;
    for (const b of el.querySelectorAll('.plist-item')) b.addEventListener('click', () => update({ project: b.dataset.id }));
  }

  function renderCard(f) {
    const p = f.properties;
    el.dataset.view = 'project';
    el.dataset.projectId = String(p.id);
    const list = (arr) => (arr && arr.length ? arr.map((n) => esc(nameOf(n))).join('、') : esc(t('panel.none')));
    const row = (k, v, tid) => `<div class="kv"><dt>${esc(t(k))}</dt><dd${tid ? ` data-testid="${tid}"` : ''}>${v}</dd></div>`;
    const districtText = esc(nameOf(p.district)) + (p.county && p.county !== p.district ? ` <span class="muted">(${esc(nameOf(p.county))})</span>` : '');
    el.innerHTML = `
      <nav class="card-nav">
        <a href="${esc(backHref())}" class="back-link" id="back-to-list" data-testid="back-to-list">${esc(t('panel.back'))}</a>
        <button type="button" class="btn btn-small" id="zoom-to-project">${esc(t('panel.zoomTo'))}</button>
      </nav>
      <article class="pcard" data-testid="project-card" aria-labelledby="pcard-name">
        <h2 id="pcard-name" tabindex="-1" class="pcard-name" data-testid="project-name">${esc(p.name)}
          ${p.demo ? `<span class="demo-badge" data-testid="demo-badge">${esc(t('panel.demo'))}</span>` : ''}</h2>
        <div class="pcard-progress">
          <div class="pcard-progress-head"><span>${esc(t('panel.progress'))}</span>
            <b data-testid="project-progress">${esc(fmtPct(p.progress))}</b>
            ${p.planned_progress == null ? '' : `<span class="muted">${esc(t('panel.planned', { p: fmtPct(p.planned_progress) }))}</span>`}
            ${lightBadge(p.light)}</div>
          ${bar(p)}
        </div>
        <dl class="kvs">
          ${row('panel.code', esc(p.code || t('panel.none')), 'project-code')}
          ${row('panel.district', districtText, 'project-district')}
          ${row('panel.cluster', esc(nameOf(p.cluster) || t('panel.none')))}
          ${row('panel.zones', list(p.zones))}
          ${row('panel.bases', list(p.bases))}
          ${row('panel.investTotal', esc(fmtYi(p.investment_total)), 'project-investment')}
          ${row('panel.investYear', esc(fmtYi(p.investment_year)))}
          ${row('panel.unit', esc(p.unit || t('panel.none')))}
          ${row('panel.person', esc(p.person || t('panel.none')))}
          ${row('panel.status', esc(codeLabel('statuses', p.status)), 'project-status')}
          ${row('panel.dates', `${esc(fmtDate(p.start_date))} – ${esc(fmtDate(p.end_date))}`)}
          ${row('panel.light', lightBadge(p.light))}
        </dl>
        <section class="report-slot" data-testid="report-slot"></section>
      </article>`;
    mountReportForm(el.querySelector('.report-slot'), p, meta);
    el.querySelector('#back-to-list').addEventListener('click', (e) => { e.preventDefault(); update({ project: null }); });
    el.querySelector('#zoom-to-project').addEventListener('click', () => onZoomTo(p.id));
    mountProjectPhotos(el.querySelector('.pcard'), p, meta); // [photos] upload box + gallery under the card
  }

  function render() { if (current) renderCard(current); else renderList(); }

  onLangChange(render);

  return {
    setLoading(v) { loading = v; if (!current) renderList(); },
    setFeatures(fs) { features = fs; if (!current) renderList(); },
    setMode(m) { mode = m; render(); },
    showProject(f) {
      const wasList = !current;
      current = f;
      renderCard(f);
      if (wasList) el.querySelector('#pcard-name')?.focus?.();
      el.scrollTop = 0;
    },
    showList() {
      const id = current && current.properties.id;
      current = null;
      renderList();
      const btn = id != null ? el.querySelector(`.plist-item[data-id="${CSS.escape(String(id))}"]`) : null;
      if (btn) btn.focus({ preventScroll: false });
    },
    currentId: () => (current ? current.properties.id : null),
  };
}
