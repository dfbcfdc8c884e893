// The assessment's views, shared by assessment.html and the dashboard's 考核 section: the league table (rank, score,
// movement), the 红黑榜, the weights beside the scores, one unit's breakdown per criterion and its 12-month trend.
import * as echarts from 'echarts';
import { t, nameOf, isEn } from './i18n.js';
import './i18n-assessment.js';
import { h } from './dom.js';

const num = (v, digits = 2) => (v == null ? '' : Number(v).toFixed(digits).replace(/\.?0+$/, '') || '0');
const criterionName = (c) => (isEn() ? c.name_en : c.name);

function movementClass(m) {
  if (m.startsWith('↑')) return 'assess-up';
  if (m.startsWith('↓')) return 'assess-down';
  return 'assess-same';
}

/** The league table; onOpen(unit) when a row is clicked; compact leaves out the per-criterion columns. */
export function leagueTable(data, { onOpen, compact = false, selected = '' } = {}) {
  const head = [t('assess.rank'), t('assess.unit'), t('assess.score'), t('assess.movement')];
  if (!compact) for (const w of data.weights) head.push(`${criterionName(w)}(${num(w.weight)})`);
  return h('table', { class: 'dash-table assess-league', dataset: { testid: 'assess-league', kind: data.kind, period: data.period } },
    h('thead', {}, h('tr', {}, head.map((x) => h('th', {}, x)))),
    h('tbody', {}, data.units.map((u) => {
      const byCode = new Map(u.criteria.map((c) => [c.code, c]));
      return h('tr', {
        class: u.name === selected ? 'assess-row selected' : 'assess-row',
        dataset: { testid: 'assess-row', unit: u.name, score: u.score ?? '', rank: u.rank ?? '' },
        tabindex: '0', role: 'button',
        onclick: () => onOpen?.(u),
        onkeydown: (e) => { if (e.key === 'Enter') onOpen?.(u); },
      },
      h('td', { class: 'num' }, u.rank == null ? t('assess.unranked') : String(u.rank)),
      h('td', {}, nameOf(u.name)),
      h('td', { class: 'num assess-score' }, u.score == null ? t('assess.noData') : num(u.score)),
      h('td', { class: `num ${movementClass(u.movement)}`, title: t('assess.previous', { p: data.previous_period }) }, u.movement),
      compact ? null : data.weights.map((w) => {
        const c = byCode.get(w.code);
        return h('td', { class: c?.no_data ? 'num muted' : 'num' }, !c || c.no_data ? t('assess.noData') : num(c.score));
      }));
    })));
}

/** 红黑榜: the top three and the bottom three. */
export function board(data) {
  const score = new Map(data.units.map((u) => [u.name, u.score]));
  const list = (names, cls, testid) => h('ol', { class: `assess-board-list ${cls}`, dataset: { testid } },
    names.map((n) => h('li', {}, nameOf(n), ' ', h('span', { class: 'muted' }, num(score.get(n))))));
  return h('div', { class: 'assess-board', dataset: { testid: 'assess-board' } },
    h('div', {}, h('h3', { class: 'assess-red-title' }, t('assess.red')), list(data.red, 'assess-red', 'assess-red')),
    h('div', {}, h('h3', { class: 'assess-black-title' }, t('assess.black')), list(data.black, 'assess-black', 'assess-black')));
}

/** The criteria and weights, with the rules and the no-data note: shown beside every score. */
export function weightsBox(data) {
  return h('div', { class: 'assess-weights', dataset: { testid: 'assess-weights' } },
    h('h3', {}, t('assess.weights')),
    h('ul', {}, data.weights.map((w) => h('li', { dataset: { code: w.code, weight: w.weight } },
      h('strong', {}, `${criterionName(w)} ${num(w.weight)}`), ' ', h('span', { class: 'muted' }, isEn() ? w.rule_en : w.rule)))),
    h('p', { class: 'muted' }, t('assess.formula')),
    h('p', { class: 'muted', dataset: { testid: 'assess-note' } }, isEn() ? data.note_en : data.note));
}

function detailText(c) {
  if (!c.detail) return '';
  return Object.entries(c.detail).map(([k, n]) => t(`assess.detail.${k}`, { n })).join(' ');
}

/** One unit's breakdown: raw value (numerator / denominator), score, weight, effective weight, points. */
export function breakdown(unit) {
  const head = ['criterion', 'raw', 'normalised', 'weight', 'effective', 'points'].map((k) => h('th', {}, t(`assess.${k}`)));
  return h('table', { class: 'dash-table assess-breakdown', dataset: { testid: 'assess-breakdown', unit: unit.name } },
    h('thead', {}, h('tr', {}, head)),
    h('tbody', {}, unit.criteria.map((c) => h('tr', { dataset: { testid: 'assess-criterion', code: c.code, noData: c.no_data ? '1' : '0' } },
      h('td', { title: c.rule }, criterionName(c)),
      c.no_data
        ? h('td', { class: 'muted', colspan: '2' }, t('assess.noData'))
        : [h('td', { class: 'num', dataset: { num: c.num, den: c.den } }, `${num(c.raw)}%`, ' ',
          h('span', { class: 'muted' }, `(${num(c.num)} / ${num(c.den)})`), ' ', h('span', { class: 'muted' }, detailText(c))),
        h('td', { class: 'num', dataset: { testid: 'assess-criterion-score' } }, num(c.score))],
      h('td', { class: 'num' }, num(c.weight)),
      h('td', { class: 'num' }, c.no_data ? '' : num(c.effective_weight)),
      h('td', { class: 'num', dataset: { testid: 'assess-points' } }, c.no_data ? '' : num(c.points)))),
    h('tr', { class: 'assess-total' }, h('th', { colspan: '5' }, t('assess.total')),
      h('th', { class: 'num', dataset: { testid: 'assess-total', value: unit.score ?? '' } }, unit.score == null ? t('assess.noData') : num(unit.score)))));
}

/** Draw (or redraw) the 12-month trend of a unit's score in `el`; returns the chart. */
export function trendChart(el, unit, chart = null) {
  const c = chart || echarts.init(el);
  c.setOption({
    tooltip: { trigger: 'axis' },
    grid: { left: 8, right: 16, top: 24, bottom: 8, containLabel: true },
    xAxis: { type: 'category', data: unit.trend.map((p) => p.month) },
    yAxis: { type: 'value', min: 0, max: 100 },
    series: [{ name: nameOf(unit.name), type: 'line', data: unit.trend.map((p) => p.score), connectNulls: false, label: { show: true } }],
  }, true);
  return c;
}
