// Side panel: the list of projects in the current filter (sorted by total
// investment) and the project card with a "返回列表" link back to the list.
import { t, label, nameOf, codeLabel, fmtYi, fmtPct, fmtDate, fmtInt, onLangChange } from './i18n.js';
import { bandIndex } from './markers.js';
import { toHash, getState, update } from './state.js';
import { h, fill } from './dom.js';
import { showError } from './toast.js';

// The card's parts (report form, work plan, key tasks, photos, problems, phone tabs: js/card-parts.js) are loaded
// once the first markers are drawn, or when a card opens first: a cold phone draws the map without them (issue 16).
let parts = null;
let partsLoad = null;
/** Load the card's parts once; resolves when a card can be drawn. */
export function loadCardParts() {
  partsLoad ||= import('./card-parts.js').then((m) => { parts = m; });
  return partsLoad;
}

const LIST_LIMIT = 300;

export function createPanel(meta, { onZoomTo }) {
  const el = document.getElementById('project-panel');
  const bands = meta.progress_bands || [];
  const lights = new Map((meta.lights || []).map((l) => [l.code, l]));
  let features = [];
  let listInView = false;
  let current = null; // feature shown in the card
  let mode = 'progress';
  let loading = true; // the page opens on its first load
  let todo = null; // {month, items: Map(id → {returned})}: a reporter's projects still to report, listed first

  const colourOf = (p) => {
    if (mode === 'light') return (lights.get(p.light) || {}).color || '#9ca3af';
    const i = bandIndex(bands, p.progress);
    return i < 0 ? '#9ca3af' : bands[i].color;
  };
  const bar = (p) => {
    const v = Math.max(0, Math.min(100, Number(p.progress) || 0));
    const planned = p.planned_progress == null ? null : Math.max(0, Math.min(100, Number(p.planned_progress)));
    return h('div', { class: 'pbar', role: 'progressbar', 'aria-valuemin': 0, 'aria-valuemax': 100, 'aria-valuenow': v, 'aria-label': t('panel.progress') },
      h('span', { class: 'pbar-fill', style: { width: `${v}%`, background: colourOf(p) } }),
      planned != null && h('span', { class: 'pbar-plan', style: { left: `${planned}%` }, title: t('panel.planned', { p: fmtPct(planned) }) }));
  };
  const lightBadge = (code) => {
    const l = lights.get(code);
    if (!l) return code || t('panel.none');
    return h('span', { class: 'light-badge', dataset: { light: code } }, h('span', { class: 'dot', style: { background: l.color } }), label(l));
  };

  function backHref() {
    const s = getState();
    return toHash({ ...s, project: null }) || '#';
  }

  function renderList() {
    el.dataset.view = 'list';
    delete el.dataset.projectId;
    const pending = (p) => (todo && todo.items.has(p.id) ? 0 : 1);
    const sorted = [...features].sort((a, b) => pending(a.properties) - pending(b.properties)
      || (Number(b.properties.investment_total) || 0) - (Number(a.properties.investment_total) || 0));
    const nTodo = todo ? features.filter((f) => todo.items.has(f.properties.id)).length : 0;
    const shown = sorted.slice(0, LIST_LIMIT);
    const rows = shown.map((f) => {
      const p = f.properties;
      return h('li', {}, h('button', { type: 'button', class: 'plist-item', dataset: { id: p.id, testid: 'project-item' }, onclick: () => update({ project: String(p.id) }) },
        h('span', { class: 'plist-dot', style: { background: colourOf(p) }, 'aria-hidden': 'true' }),
        h('span', { class: 'plist-main' }, h('span', { class: 'plist-name' }, p.name),
          h('span', { class: 'plist-sub' },
            todo?.items.has(p.id) && [h('span', { class: 'todo-badge', dataset: { testid: 'todo-badge' } },
              t(todo.items.get(p.id).returned ? 'todo.returned' : 'todo.unreported', { m: todo.month })), ' '],
            `${nameOf(p.district)} · ${nameOf(p.cluster)} · ${fmtPct(p.progress, 0)}`)),
        h('span', { class: 'plist-inv' }, fmtYi(p.investment_total))));
    });
    fill(el,
      // While the first answer is on its way there is no count to give (not "0 projects").
      h('h2', { class: 'card-title' }, t('panel.listTitle'), ' ', !(loading && !features.length)
        && h('span', { class: 'muted' }, t(listInView ? 'panel.listHintView' : 'panel.listHint', { n: fmtInt(features.length) }))),
      nTodo > 0 && h('p', { class: 'todo-hint', dataset: { testid: 'todo-hint' } }, t('todo.hint', { m: todo.month, n: fmtInt(nTodo) })),
      loading && h('p', { class: 'muted' }, t('panel.loading')),
      features.length
        ? [h('ol', { class: 'plist', dataset: { testid: 'project-list' } }, rows),
          sorted.length > shown.length && h('p', { class: 'muted' }, `… +${fmtInt(sorted.length - shown.length)}`)]
        : !loading && h('p', { class: 'muted' }, t(listInView ? 'panel.emptyView' : 'panel.empty')));
  }

  function renderCard(f) {
    const p = f.properties;
    el.dataset.view = 'project';
    el.dataset.projectId = String(p.id);
    const list = (arr) => (arr && arr.length ? arr.map((n) => nameOf(n)).join('、') : t('panel.none'));
    const row = (k, v, testid) => h('div', { class: 'kv' }, h('dt', {}, t(k)), h('dd', { dataset: { testid } }, v));
    const districtText = [nameOf(p.district), p.county && p.county !== p.district && [' ', h('span', { class: 'muted' }, `(${nameOf(p.county)})`)]];
    const back = h('a', { href: backHref(), class: 'back-link', id: 'back-to-list', dataset: { testid: 'back-to-list' },
      onclick: (e) => { e.preventDefault(); update({ project: null }); } }, t('panel.back'));
    const slot = h('section', { class: 'report-slot', dataset: { testid: 'report-slot' } });
    const card = h('article', { class: 'pcard', dataset: { testid: 'project-card' }, 'aria-labelledby': 'pcard-name' },
      h('h2', { id: 'pcard-name', tabindex: -1, class: 'pcard-name', dataset: { testid: 'project-name' } }, p.name,
        p.demo && [' ', h('span', { class: 'demo-badge', dataset: { testid: 'demo-badge' } }, t('panel.demo'))]),
      h('div', { class: 'pcard-progress' },
        h('div', { class: 'pcard-progress-head' }, h('span', {}, t('panel.progress')), ' ',
          h('b', { dataset: { testid: 'project-progress' } }, fmtPct(p.progress)), ' ',
          p.planned_progress != null && [h('span', { class: 'muted' }, t('panel.planned', { p: fmtPct(p.planned_progress) })), ' '],
          lightBadge(p.light)),
        bar(p)),
      h('dl', { class: 'kvs' },
        row('panel.code', p.code || t('panel.none'), 'project-code'),
        row('panel.district', districtText, 'project-district'),
        row('panel.cluster', nameOf(p.cluster) || t('panel.none')),
        row('panel.zones', list(p.zones)),
        row('panel.bases', list(p.bases)),
        row('panel.investTotal', fmtYi(p.investment_total), 'project-investment'),
        row('panel.investYear', fmtYi(p.investment_year)),
        row('panel.unit', p.unit || t('panel.none')),
        row('panel.person', p.person || t('panel.none')),
        row('panel.status', codeLabel('statuses', p.status), 'project-status'),
        row('panel.dates', `${fmtDate(p.start_date)} – ${fmtDate(p.end_date)}`),
        row('panel.light', lightBadge(p.light))),
      slot);
    fill(el,
      h('nav', { class: 'card-nav' }, back, ' ',
        h('button', { type: 'button', class: 'btn btn-small', id: 'zoom-to-project', onclick: () => onZoomTo(p.id) }, t('panel.zoomTo'))),
      card);
    parts.mountReportForm(slot, p, meta);
    parts.mountWorkplan(card, p, meta); // [workplan]
    parts.mountProjectTasks(slot, p, meta); // issue 14
    parts.mountProjectPhotos(card, p, meta); // [photos] upload box + gallery under the card
    parts.mountProjectProblems(slot, p, meta); // [problems] tracked problems and the reports' 存在问题
    parts.mountProjectTools(card, f, meta); // issue 13: the library tools above the report slot
    parts.mountCardTabs(card); // issue 16
  }

  function render() { if (current) { if (parts) renderCard(current); } else renderList(); }

  onLangChange(render);

  return {
    setLoading(v) { loading = v; if (!current) renderList(); },
    /** inView: the projects drawn on their own in the view (the map on vector tiles), not the whole filter. */
    setFeatures(fs, { inView = false } = {}) {
      features = fs;
      listInView = inView;
      if (!current) renderList();
      setTimeout(loadCardParts, 0); // the markers are drawn: fetch the card's parts before the first tap
    },
    setTodo(x) { todo = x; if (!current) renderList(); },
    setMode(m) { mode = m; render(); },
    showProject(f) {
      const wasList = !current;
      current = f;
      const show = () => {
        if (current !== f) return; // another card or the list was asked for meanwhile
        renderCard(f);
        if (wasList) el.querySelector('#pcard-name')?.focus?.();
        el.scrollTop = 0;
      };
      if (parts) show();
      else loadCardParts().then(show, (err) => { current = null; renderList(); showError(err); });
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
