// District view and filters: the selectors (options from /api/meta only), the
// name search, and the summary panel fed by /api/summary.
import { t, label, fmtYi, fmtPct, fmtInt, onLangChange, nameOf } from './i18n.js';
import { getState, update, FILTER_KEYS } from './state.js';

const $ = (id) => document.getElementById(id);

function opt(value, text) {
  const o = document.createElement('option');
  o.value = value;
  o.textContent = text;
  return o;
}

export function initFilters(meta) {
  const dSel = $('district-select');
  const cSel = $('cluster-select');
  const sSel = $('status-select');
  const aSel = $('area-select');
  const q = $('search-input');

  function fillOptions() {
    const s = getState().filters;
    dSel.replaceChildren(opt('', t('filters.city')));
    for (const d of meta.districts || []) dSel.append(opt(d.name, label(d)));
    cSel.replaceChildren(opt('', t('filters.allClusters')), ...(meta.clusters || []).map((c) => opt(c.name, label(c))));
    sSel.replaceChildren(opt('', t('filters.allStatuses')), ...(meta.statuses || []).map((c) => opt(c.code, label(c))));
    const gz = document.createElement('optgroup');
    gz.label = t('filters.zones');
    gz.append(...(meta.zones || []).map((z) => opt(`zone:${z.name}`, label(z))));
    const gb = document.createElement('optgroup');
    gb.label = t('filters.bases');
    gb.append(...(meta.bases || []).map((b) => opt(`base:${b.name}`, label(b))));
    aSel.replaceChildren(opt('', t('filters.allAreas')), gz, gb);
    syncFromState(s);
  }

  function syncFromState(f = getState().filters) {
    dSel.value = f.district || '';
    cSel.value = f.cluster || '';
    sSel.value = f.status || '';
    aSel.value = f.zone ? `zone:${f.zone}` : f.base ? `base:${f.base}` : '';
    if (document.activeElement !== q) q.value = f.q || '';
    // An unknown value in the hash leaves the select on "all": make it visible.
    for (const [sel, v] of [[dSel, f.district], [cSel, f.cluster], [sSel, f.status]]) {
      if (v && sel.value !== v) { sel.append(opt(v, nameOf(v))); sel.value = v; }
    }
  }

  dSel.addEventListener('change', () => update({ filters: { district: dSel.value }, project: null }));
  cSel.addEventListener('change', () => update({ filters: { cluster: cSel.value }, project: null }));
  sSel.addEventListener('change', () => update({ filters: { status: sSel.value }, project: null }));
  aSel.addEventListener('change', () => {
    const [kind, ...rest] = aSel.value.split(':');
    const name = rest.join(':');
    update({ filters: { zone: kind === 'zone' ? name : '', base: kind === 'base' ? name : '' }, project: null });
  });
  let timer = null;
  q.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(() => update({ filters: { q: q.value }, project: null }), 300);
  });
  q.addEventListener('keydown', (e) => { if (e.key === 'Enter') { clearTimeout(timer); update({ filters: { q: q.value }, project: null }); } });
  $('filters-reset').addEventListener('click', () => {
    q.value = '';
    update({ filters: Object.fromEntries(FILTER_KEYS.map((k) => [k, ''])), project: null });
  });

  fillOptions();
  onLangChange(fillOptions);
  return { syncFromState };
}

/** The as-of line of a month: "2026-10 已关账 · 截至 2026-10-31", or for an open month "已报 1/116 · 待审核 1". */
export function asOfText(meta, data) {
  if (!data || !data.month) return '';
  const state = label((meta.period_states || []).find((p) => p.code === data.month_state)) || data.month_state || '';
  const c = data.completeness || {};
  return data.month_state === 'open'
    ? t('cycle.asOfOpen', { m: data.month, s: state, r: fmtInt(c.reported ?? 0), n: fmtInt(c.due ?? 0), p: fmtInt(c.pending ?? 0) })
    : t('cycle.asOfClosed', { m: data.month, s: state, d: data.as_of || '' });
}

/** Render /api/summary into the summary panel. */
export function renderSummary(meta, summary, filters) {
  if (!summary) return;
  const asOf = $('summary-asof');
  if (asOf) {
    asOf.textContent = asOfText(meta, summary);
    asOf.dataset.month = summary.month || '';
    asOf.dataset.state = summary.month_state || '';
  }
  $('summary-count').textContent = fmtInt(summary.count);
  $('summary-count').dataset.value = String(summary.count);
  $('summary-investment').textContent = fmtYi(summary.investment_total);
  $('summary-investment').dataset.value = String(summary.investment_total);
  $('summary-year').textContent = fmtYi(summary.investment_year);
  $('summary-year').dataset.value = String(summary.investment_year);
  $('summary-progress').textContent = fmtPct(summary.progress_avg);
  $('summary-progress').dataset.value = String(summary.progress_avg);
  const scope = [filters.district, filters.cluster, filters.zone, filters.base].filter(Boolean).map(nameOf);
  if (filters.status) scope.push(label((meta.statuses || []).find((s) => s.code === filters.status)) || filters.status);
  if (filters.q) scope.push(`“${filters.q}”`);
  $('summary-scope').textContent = scope.length ? `· ${scope.join(' · ')}` : `· ${t('filters.city')}`;

  const chip = (text, n, color, testid) => {
    const li = document.createElement('li');
    li.className = 'chip';
    li.dataset.testid = testid;
    li.dataset.value = String(n);
    if (color) {
      const dot = document.createElement('span');
      dot.className = 'dot';
      dot.style.background = color;
      li.append(dot);
    }
    const name = document.createElement('span');
    name.textContent = text;
    const b = document.createElement('b');
    b.textContent = fmtInt(n);
    li.append(name, b);
    return li;
  };
  const bs = summary.by_status || {};
  $('summary-status').replaceChildren(...(meta.statuses || []).map((s) => chip(label(s), bs[s.code] || 0, null, `status-${s.code}`)));
  const bl = summary.by_light || {};
  $('summary-lights').replaceChildren(...(meta.lights || []).map((l) => chip(label(l), bl[l.code] || 0, l.color, `light-${l.code}`)));
}
