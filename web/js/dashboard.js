// The monthly dashboard page: one /api/dashboard answer drawn with ECharts; clicking a bar opens the map
// filtered to that district, cluster or base (hash link) at the same month, in 亮灯 mode.
import * as echarts from 'echarts';
import { api } from './api.js';
import { initI18n, getLang, setMeta, t, label, nameOf, fmtYi, fmtPct, fmtInt, toggleLang, onLangChange } from './i18n.js';
import './i18n-progress.js';
import * as build from './charts.js';
import { showError } from './toast.js';
import { asOfText } from './filters.js';
import { h, fill } from './dom.js';
import { mountUserBox } from './auth.js'; // the header's user box, as on every page
import { mountTaskSection } from './task-dashboard.js'; // issue 14: key tasks by department and category

const $ = (id) => document.getElementById(id);
let resolveReady;
const ready = new Promise((r) => { resolveReady = r; });
window.warroomDashboard = { ready, charts: {} };

/** The map URL showing one group at the dashboard's month. */
export function mapHref(kind, name, month) {
  const qs = new URLSearchParams({ [kind]: name, month, mode: 'light' });
  return `/#${qs.toString()}`;
}

async function boot() {
  initI18n();
  mountUserBox(document.getElementById('user-box'));
  const meta = await api.meta();
  setMeta(meta);
  const months = meta.report_months || [];
  const wanted = new URLSearchParams(location.hash.slice(1)).get('month');
  let month = months.includes(wanted) ? wanted : null; // none: the server's default, the month 最新 means
  let data = null;
  const charts = {};
  for (const id of ['district', 'cluster', 'base', 'status', 'trend', 'lights']) {
    charts[id] = echarts.init($(`chart-${id}`), null, { renderer: 'canvas' });
  }
  window.warroomDashboard.charts = charts;
  for (const [kind, chart] of [['district', charts.district], ['cluster', charts.cluster], ['base', charts.base]]) {
    chart.on('click', (p) => {
      const group = data && data[`by_${kind}`][p.dataIndex];
      if (group) location.href = mapHref(kind, group.name, data.month);
    });
  }
  window.addEventListener('resize', () => Object.values(charts).forEach((c) => c.resize()));

  const tasksSection = mountTaskSection($('dash-tasks'), meta);
  const select = $('dash-month');
  select.replaceChildren(...months.map((m) => Object.assign(document.createElement('option'), { value: m, textContent: m })));
  if (month) select.value = month;
  select.addEventListener('change', () => { month = select.value; load(); });

  function render() {
    if (!data) return;
    document.title = t('dash.title');
    const headline = data.headline;
    $('dash-asof').textContent = asOfText(meta, data);
    $('dash-asof').dataset.month = data.month;
    $('dash-asof').dataset.state = data.month_state || '';
    // Demo and schematic data must say so wherever figures are shown.
    $('dash-note').textContent = (meta.data_notes || {})[getLang()] || '';
    const kpi = (key, value, testid) => h('div', { class: 'kpi' }, h('dt', {}, t(key)), h('dd', { dataset: { testid } }, value));
    fill($('dash-kpis'),
      kpi('dash.count', fmtInt(headline.count), 'kpi-count'), kpi('dash.plan', fmtYi(headline.investment_year), 'kpi-plan'),
      kpi('dash.done', fmtYi(headline.completed_year), 'kpi-done'), kpi('dash.rate', fmtPct(headline.completion_rate), 'kpi-rate'),
      kpi('dash.month', fmtYi(headline.completed_period), 'kpi-month'), kpi('dash.progress', fmtPct(headline.progress_avg), 'kpi-progress'),
      // The month's lights as numbers, so the wall, the map and the bulletin can be compared at a glance.
      (meta.lights || []).map((l) => h('div', { class: 'kpi kpi-light' },
        h('dt', {}, h('span', { class: 'dot', style: { background: l.color } }), label(l)),
        h('dd', { dataset: { testid: `kpi-light-${l.code}`, value: String(headline.by_light?.[l.code] ?? 0) } }, fmtInt(headline.by_light?.[l.code] ?? 0)))));
    charts.district.setOption(build.plannedVsCompleted(data.by_district), true);
    charts.cluster.setOption(build.plannedVsCompleted(data.by_cluster, { rotate: 30 }), true);
    charts.base.setOption(build.plannedVsCompleted(data.by_base, { rotate: 30 }), true);
    charts.status.setOption(build.statusPie(headline.by_status, meta.statuses || []), true);
    charts.trend.setOption(build.trend(data.trend, data.year), true);
    charts.lights.setOption(build.lightTrend(data.trend, meta.lights), true);
    const lights = new Map((meta.lights || []).map((l) => [l.code, l]));
    const rows = data.lagging.map((x) => {
      const light = lights.get(x.light);
      return h('tr', { dataset: { testid: 'lagging-row', light: x.light } },
        h('td', {}, h('a', { href: `/#${new URLSearchParams({ project: x.id, month: data.month, mode: 'light' })}` }, x.name)),
        h('td', {}, nameOf(x.district)), h('td', {}, x.unit), h('td', {}, x.person),
        h('td', { class: 'num' }, `${fmtPct(x.progress)} / ${fmtPct(x.planned)}`),
        h('td', {}, h('span', { class: 'light-badge' }, h('span', { class: 'dot', style: { background: light?.color } }), label(light))),
        h('td', {}, x.problems));
    });
    const head = ['name', 'district', 'unit', 'person', 'progress', 'light', 'problems'].map((k) => h('th', {}, t(`dash.col.${k}`)));
    fill($('dash-lagging'), data.lagging.length
      ? h('table', { class: 'dash-table' }, h('thead', {}, h('tr', {}, head)), h('tbody', {}, rows))
      : h('p', { class: 'muted' }, t('dash.noLagging')));
    const c = data.completeness || {};
    const cells = (g) => [h('td', { class: 'num' }, fmtInt(g.due)), h('td', { class: 'num' }, fmtInt(g.reported)),
      h('td', { class: 'num' }, fmtInt(g.passed)), h('td', { class: 'num' }, fmtInt(g.pending)), h('td', { class: 'num' }, fmtInt(g.returned)),
      h('td', { class: 'num' }, `${fmtInt(g.photos_received)}/${fmtInt(g.photos_due)}`)];
    const cHead = ['district', 'due', 'reported', 'passed', 'pending', 'returned', 'photos'].map((k) => h('th', {}, t(`dash.col.${k}`)));
    fill($('dash-completeness'), h('table', { class: 'dash-table' }, h('thead', {}, h('tr', {}, cHead)),
      h('tbody', {}, (c.by_district || []).map((g) => h('tr', { dataset: { testid: 'completeness-row', district: g.name } }, h('td', {}, nameOf(g.name)), cells(g))),
        h('tr', { dataset: { testid: 'completeness-total' } }, h('th', {}, t('dash.col.total')), cells(c)))));
    $('dash-reminders').href = api.remindersUrl(data.month);
    $('dash-pdf').href = api.bulletinUrl(data.month, 'pdf');
    $('dash-xlsx').href = api.bulletinUrl(data.month, 'xlsx');
    $('dash-map').href = `/#${new URLSearchParams({ month: data.month, mode: 'light' })}`;
    $('lang-toggle').textContent = t('lang.switch');
  }

  async function load() {
    document.body.dataset.ready = '0';
    try {
      data = await api.dashboard(month);
      window.warroomDashboard.data = data;
      if (![...select.options].some((o) => o.value === data.month)) select.prepend(Object.assign(document.createElement('option'), { value: data.month, textContent: data.month }));
      select.value = data.month;
      if (month !== data.month) history.replaceState(null, '', `#month=${data.month}`);
      else history.replaceState(null, '', `#month=${month}`);
      render();
      await tasksSection.load(data.month);
    } catch (err) { showError(err); }
    document.body.dataset.ready = '1';
  }

  $('lang-toggle').addEventListener('click', () => toggleLang());
  onLangChange(render);
  await load();
  resolveReady(window.warroomDashboard);
}

boot().catch((err) => {
  document.body.dataset.ready = 'error';
  showError(err);
  resolveReady(window.warroomDashboard);
});
