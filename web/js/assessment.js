// The assessment page (考核排名): period (month or quarter) and kind (districts / lead departments) in the hash, the
// league table with movement, the 红黑榜, the weights beside the scores, and a unit's breakdown and 12-month trend.
import { api, assessmentApi } from './api.js';
import { initI18n, setMeta, t, toggleLang, onLangChange, nameOf } from './i18n.js';
import './i18n-assessment.js';
import { h, fill } from './dom.js';
import { showError } from './toast.js';
import { mountUserBox } from './auth.js';
import { leagueTable, board, weightsBox, breakdown, trendChart } from './assessment-view.js';

const $ = (id) => document.getElementById(id);
let resolveReady;
const ready = new Promise((r) => { resolveReady = r; });
window.warroomAssessment = { ready, league: null, unit: null };

function readHash() {
  const qs = new URLSearchParams(location.hash.slice(1));
  return { period: qs.get('period') || '', kind: qs.get('kind') || 'district', unit: qs.get('unit') || '' };
}

function writeHash(state) {
  const qs = new URLSearchParams();
  for (const k of ['period', 'kind', 'unit']) if (state[k]) qs.set(k, state[k]);
  history.replaceState(null, '', `#${qs}`);
}

/** Months that have closed and the quarters all of whose months have, newest first. */
function periodOptions(periods) {
  const closed = periods.months.filter((m) => m.state !== 'open').map((m) => m.month);
  const quarters = [];
  for (const m of closed) {
    const [y, mm] = m.split('-').map(Number);
    if (mm % 3 === 0) quarters.push(`${y}-Q${mm / 3}`);
  }
  return { months: closed, quarters };
}

async function boot() {
  initI18n();
  const [meta, periods] = await Promise.all([api.meta(), api.periods()]);
  setMeta(meta);
  mountUserBox($('user-box'));
  $('lang-toggle').addEventListener('click', toggleLang);
  const state = readHash();
  const options = periodOptions(periods);
  if (!state.period) state.period = periods.shown_month;
  let chart = null;

  function fillPeriods() {
    const sel = $('assess-period');
    const opt = (v) => h('option', { value: v }, v);
    fill(sel, h('optgroup', { label: t('assess.quarter') }, options.quarters.map(opt)),
      h('optgroup', { label: t('assess.month') }, options.months.map(opt)));
    if (![...sel.options].some((o) => o.value === state.period)) sel.prepend(opt(state.period));
    sel.value = state.period;
    for (const b of document.querySelectorAll('[data-kind-tab]')) b.setAttribute('aria-pressed', String(b.dataset.kindTab === state.kind));
  }

  function renderLeague() {
    const data = window.warroomAssessment.league;
    if (!data) return;
    fill($('assess-heading'), `${t(`assess.${data.kind}`)} · ${data.title} (${data.period})`);
    fill($('assess-table'), leagueTable(data, { onOpen: (u) => openUnit(u.name), selected: state.unit }));
    fill($('assess-board'), board(data));
    fill($('assess-weights-box'), weightsBox(data));
    $('assess-xlsx').href = assessmentApi.xlsxUrl(data.period, data.kind);
    $('lang-toggle').textContent = t('lang.switch');
  }

  function renderUnit() {
    const unit = window.warroomAssessment.unit;
    const box = $('assess-unit');
    if (!unit) {
      fill(box, h('p', { class: 'muted' }, t('assess.pick')));
      box.dataset.view = 'empty';
      return;
    }
    const chartEl = h('div', { class: 'assess-trend', dataset: { testid: 'assess-trend' } });
    fill(box, h('h2', { class: 'card-title' }, t('assess.breakdown', { u: nameOf(unit.name), p: unit.period }), ' ',
      h('small', { class: 'muted' }, `${t('assess.rank')} ${unit.rank ?? '—'} · ${t('assess.movement')} ${unit.movement}`)),
    breakdown(unit), h('h3', {}, t('assess.trend')), chartEl);
    box.dataset.view = 'unit';
    chart?.dispose();
    chart = trendChart(chartEl, unit);
  }

  async function openUnit(name) {
    state.unit = name;
    writeHash(state);
    document.body.dataset.loading = '1';
    try {
      window.warroomAssessment.unit = name ? await assessmentApi.unit(state.kind, name, state.period) : null;
    } catch (err) { showError(err); window.warroomAssessment.unit = null; }
    renderLeague();
    renderUnit();
    delete document.body.dataset.loading;
  }

  async function load() {
    document.body.dataset.loading = '1';
    try {
      window.warroomAssessment.league = await assessmentApi.league(state.period, state.kind);
      renderLeague();
      const known = window.warroomAssessment.league.units.some((u) => u.name === state.unit);
      await openUnit(known ? state.unit : '');
    } catch (err) { showError(err); }
    writeHash(state);
    delete document.body.dataset.loading;
  }

  $('assess-period').addEventListener('change', (e) => { state.period = e.target.value; load(); });
  for (const b of document.querySelectorAll('[data-kind-tab]')) {
    b.addEventListener('click', () => { state.kind = b.dataset.kindTab; state.unit = ''; fillPeriods(); load(); });
  }
  onLangChange(() => { fillPeriods(); renderLeague(); renderUnit(); });
  window.addEventListener('resize', () => chart?.resize());
  fillPeriods();
  await load();
  document.body.dataset.ready = '1';
  resolveReady(window.warroomAssessment);
}

boot().catch((err) => {
  document.body.dataset.ready = 'error';
  showError(err);
  resolveReady(window.warroomAssessment);
});
