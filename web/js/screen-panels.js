// The screen's side panels: KPI tiles, the district ranking, the red-light 轮播表, the monthly trend and the checked
// site photos' carousel. Each panel shows the city or the tour's district, always with its as-of month. The figures
// are /api/dashboard's (the one month-end state), so they equal the dashboard's for the month.
import * as echarts from 'echarts';
import { t, label, nameOf, fmtYi, fmtPct, fmtInt } from './i18n.js';
import { h, fill } from './dom.js';

const $ = (id) => document.getElementById(id);
const RED_ROWS = 7; // rows the 轮播表 shows at once
const RED_STEP_MS = 3000;
const PHOTO_STEP_MS = 6000;
const TEXT = '#dbeafe';
const MUTED = '#93c5fd';
const FONT = 16; // chart text, in canvas pixels (the 1920 design): legible from 6 m

/** KPI figures of the city (the dashboard's headline) or of one district (its row of the same answer). */
export function kpisOf(data, problems, features, district) {
  const c = data.completeness || {};
  if (!district) {
    const hl = data.headline;
    return {
      count: hl.count, total: hl.investment_total, plan: hl.investment_year, done: hl.completed_year,
      rate: hl.completion_rate, lights: hl.by_light || {}, due: c.due, reported: c.reported,
      overdue: problems ? problems.overdue : null,
    };
  }
  const g = (data.by_district || []).find((x) => x.name === district) || {};
  const cd = (c.by_district || []).find((x) => x.name === district) || {};
  const pd = problems ? (problems.by_district || []).find((x) => x.district === district) : null;
  const total = features.filter((f) => f.properties.district === district)
    .reduce((a, f) => a + Number(f.properties.investment_total || 0), 0);
  return {
    count: g.count, total: Math.round(total * 100) / 100, plan: g.investment_year, done: g.completed_year,
    rate: g.completion_rate, lights: { red: g.red, yellow: g.yellow, green: g.green }, due: cd.due, reported: cd.reported,
    overdue: pd ? pd.overdue : null,
  };
}

export function createPanels(meta) {
  const lights = meta.lights || [];
  let state = null;
  let redRows = [];
  let redOffset = 0;
  let photos = [];
  let photoIndex = 0;
  let chart = null;
  let chartRatio = 0;

  function month(key, m) {
    for (const el of document.querySelectorAll(`[data-month-of="${key}"]`)) { el.textContent = m; el.dataset.month = m; }
  }

  function renderKpis() {
    const { data, problems, features, focus } = state;
    const k = kpisOf(data, problems, features, focus);
    const tile = (key, value, testid, unit = '', extra = {}) => h('div', { class: `sc-kpi ${extra.cls || ''}` },
      h('dt', {}, t(key)), h('dd', { dataset: { testid, value: value == null ? '' : String(value) } },
        h('span', { class: 'sc-kpi-num' }, extra.text ?? fmtInt(value)), unit && h('span', { class: 'sc-kpi-unit' }, unit)));
    const yi = (v) => fmtYi(v);
    const rate = k.due ? Math.round((1000 * (k.reported || 0)) / k.due) / 10 : null;
    fill($('sc-kpis'),
      tile('screen.kpi.count', k.count, 'sc-kpi-count'),
      tile('screen.kpi.total', k.total, 'sc-kpi-total', '', { text: yi(k.total) }),
      tile('screen.kpi.plan', k.plan, 'sc-kpi-plan', '', { text: yi(k.plan) }),
      tile('screen.kpi.done', k.done, 'sc-kpi-done', '', { text: yi(k.done) }),
      tile('screen.kpi.rate', k.rate, 'sc-kpi-rate', '', { text: fmtPct(k.rate), cls: 'sc-kpi-hot' }),
      tile('screen.kpi.reported', k.reported, 'sc-kpi-reported', '', { text: `${fmtInt(k.reported ?? 0)}/${fmtInt(k.due ?? 0)}`, cls: rate != null && rate < 100 ? 'sc-kpi-warn' : '' }),
      tile('screen.kpi.overdue', k.overdue, 'sc-kpi-overdue', '', { text: k.overdue == null ? '—' : fmtInt(k.overdue), cls: `sc-kpi-wide ${k.overdue ? 'sc-kpi-bad' : ''}` }),
      h('div', { class: 'sc-kpi sc-kpi-lights' }, h('dt', {}, t('screen.kpi.lights')),
        h('dd', {}, lights.map((l) => h('span', { class: 'sc-light', dataset: { testid: `sc-kpi-light-${l.code}`, value: String(k.lights[l.code] ?? 0) } },
          h('span', { class: 'sc-dot', style: { background: l.color } }), h('span', { class: 'sc-kpi-num' }, fmtInt(k.lights[l.code] ?? 0)),
          h('span', { class: 'sc-light-name' }, label(l)))))));
    $('sc-kpis').dataset.focus = focus || '';
    month('kpis', data.month);
  }

  function renderRank() {
    const { data, ranking, focus } = state;
    const rows = ranking
      ? ranking.rows.map((r) => ({ name: r.name, value: r.score, text: `${r.score}` }))
      : [...(data.by_district || [])].filter((g) => g.count > 0)
        .sort((a, b) => (Number(b.completion_rate) || 0) - (Number(a.completion_rate) || 0))
        .map((g) => ({ name: g.name, value: Number(g.completion_rate) || 0, text: fmtPct(g.completion_rate) }));
    const max = Math.max(100, ...rows.map((r) => r.value));
    $('sc-rank-title').textContent = t(ranking ? 'screen.rankAssessment' : 'screen.rankRate');
    $('sc-rank').dataset.source = ranking ? 'assessment' : 'completion';
    fill($('sc-rank'), rows.map((r, i) => h('li', { class: `sc-rank-row ${r.name === focus ? 'is-focus' : ''}`, dataset: { testid: 'sc-rank-row', district: r.name } },
      h('span', { class: 'sc-rank-no' }, String(i + 1)), h('span', { class: 'sc-rank-name' }, nameOf(r.name)),
      h('span', { class: 'sc-rank-bar' }, h('span', { class: 'sc-rank-fill', style: { width: `${Math.max(0, (100 * r.value) / max)}%` } })),
      h('span', { class: 'sc-rank-val' }, r.text))));
    month('rank', ranking ? ranking.period : data.month);
  }

  // One table for the life of the page, its cells rewritten at each step, hidden (not dropped) while the focus has no
  // red light. Its header row is not in a <thead>: Chromium's own style gives <thead> and <tfoot>
  // `break-inside: if(media(overflow-block: paged): avoid;)`, and each time their style is computed afresh (a new
  // table, or this one shown again) Blink keeps one more parsed media query for good, about 160 bytes, which a wall
  // touring for days would pile up (once per round of the tour).
  let redTable = null;
  function drawRed() {
    const body = $('sc-red');
    if (!redTable || redTable.table.parentNode !== body) {
      const tbody = h('tbody');
      const col = (key, cls) => h('th', { scope: 'col', class: cls }, t(key));
      const table = h('table', { class: 'sc-table' },
        h('tr', {}, col('screen.col.name'), col('screen.col.district'), col('screen.col.progress', 'num')),
        tbody);
      const empty = h('p', { class: 'sc-empty' });
      redTable = { table, tbody, empty };
      fill(body, table, empty);
    }
    const { table, tbody, empty } = redTable;
    table.hidden = !redRows.length;
    empty.hidden = redRows.length > 0;
    empty.textContent = t('screen.redNone');
    const n = Math.min(RED_ROWS, redRows.length);
    while (tbody.children.length > n) tbody.lastChild.remove();
    while (tbody.children.length < n) {
      tbody.append(h('tr', { dataset: { testid: 'sc-red-row' } }, h('td', { class: 'sc-ellipsis' }), h('td'), h('td', { class: 'num' })));
    }
    [...tbody.children].forEach((tr, i) => {
      const x = redRows[(redOffset + i) % redRows.length];
      tr.dataset.id = String(x.id);
      const [name, district, progress] = tr.children;
      name.textContent = x.name;
      district.textContent = nameOf(x.district);
      progress.textContent = `${fmtPct(x.progress, 0)}/${fmtPct(x.planned, 0)}`;
    });
    body.dataset.rows = String(redRows.length);
  }

  function renderRed() {
    const { data, focus } = state;
    const before = redRows.map((x) => x.id).join();
    redRows = (data.lagging || []).filter((x) => x.light === 'red' && (!focus || x.district === focus));
    if (redRows.map((x) => x.id).join() !== before) redOffset = 0;
    drawRed();
    month('red', data.month);
  }

  function chartOption(points, year) {
    const axis = { axisLabel: { color: TEXT, fontSize: FONT }, axisLine: { lineStyle: { color: '#1e3a8a' } }, splitLine: { lineStyle: { color: '#1e3a8a' } } };
    return {
      animation: false,
      textStyle: { fontSize: FONT, color: TEXT },
      legend: { top: 0, textStyle: { color: TEXT, fontSize: FONT }, itemWidth: 18, itemHeight: 12 },
      grid: { left: 56, right: 12, top: 40, bottom: 32 },
      xAxis: { type: 'category', data: points.map((p) => p.month.slice(2)), ...axis, splitLine: { show: false } },
      yAxis: { type: 'value', name: t('dash.yi'), nameTextStyle: { color: MUTED, fontSize: FONT }, ...axis },
      series: [
        { name: t('dash.investMonth'), type: 'bar', data: points.map((p) => Number(p.investment_month)), itemStyle: { color: '#38bdf8' } },
        { name: t('dash.completedYtd'), type: 'line', symbolSize: 8, lineStyle: { width: 3 }, data: points.map((p) => (p.month.startsWith(`${year}-`) ? Number(p.completed_ytd) : null)), itemStyle: { color: '#fbbf24' } },
      ],
    };
  }

  // The chart is drawn again only when what it shows changed. The tour changes the focus, not the city's trend, and a
  // refresh brings the same figures in a new object: each setOption runs ECharts' whole pipeline, and on a wall
  // refreshing every minute the JIT kept compiling more of it for tens of minutes (nine in ten of the functions that
  // gained compiled code over a tour were ECharts').
  let chartKey = '';
  function renderTrend(ratio) {
    const { data } = state;
    if (!chart || ratio !== chartRatio) {
      if (chart) chart.dispose();
      // The chart sits inside the CSS-scaled canvas: draw at the wall's real resolution, not the design's.
      chart = echarts.init($('sc-trend'), null, { renderer: 'canvas', devicePixelRatio: ratio });
      chartRatio = ratio;
      chartKey = '';
    }
    const key = JSON.stringify([data.trend || [], data.year]);
    if (key !== chartKey) {
      chart.setOption(chartOption(data.trend || [], data.year), true);
      chartKey = key;
    }
    month('trend', data.month);
  }

  function drawPhoto() {
    const box = $('sc-photos');
    if (!photos.length) { fill(box, h('p', { class: 'sc-empty' }, t('screen.photosNone'))); box.dataset.count = '0'; return; }
    const p = photos[photoIndex % photos.length];
    fill(box, h('figure', { class: 'sc-photo', dataset: { testid: 'sc-photo', id: String(p.id) } },
      h('img', { src: p.urls.display, alt: p.caption || p.project_name, decoding: 'async' }),
      h('figcaption', {}, h('strong', {}, p.project_name), ' · ', nameOf(p.district), ' · ', (p.taken_at || p.uploaded_at || '').slice(0, 10))));
    box.dataset.count = String(photos.length);
  }

  function renderPhotos() {
    const { wall, focus, data } = state;
    const all = wall ? wall.projects.flatMap((x) => x.photos) : [];
    const next = all.filter((p) => p.evidence && p.evidence.counts && (!focus || p.district === focus))
      .sort((a, b) => String(b.uploaded_at).localeCompare(String(a.uploaded_at))).slice(0, 12);
    if (next.map((p) => p.id).join() !== photos.map((p) => p.id).join()) { photos = next; photoIndex = 0; }
    drawPhoto();
    month('photos', wall ? wall.month : data.month);
  }

  // The carousels' two timers are made once; new data only replaces what they show.
  setInterval(() => { if (redRows.length > RED_ROWS) { redOffset = (redOffset + 1) % redRows.length; drawRed(); } }, RED_STEP_MS);
  setInterval(() => { if (photos.length > 1) { photoIndex = (photoIndex + 1) % photos.length; drawPhoto(); } }, PHOTO_STEP_MS);

  return {
    /** Draw every panel for `next` = {data, problems, features, wall, ranking, focus}; ratio: the chart's pixel ratio. */
    render(next, ratio) {
      state = next;
      renderKpis();
      renderRank();
      renderRed();
      renderTrend(ratio);
      renderPhotos();
    },
    resize() { if (chart) chart.resize(); },
    chart: () => chart,
  };
}
