// ECharts options of the dashboard: planned vs completed bars, status pie, monthly trend and light lines.
// Pure functions from /api/dashboard data to ECharts options; labels in the current language.
import { t, nameOf, label } from './i18n.js';

const PLANNED = '#9ecae1';
const DONE = '#08519c';

const axisName = () => t('dash.yi');

/** Grouped bars of this year's planned and completed investment, the completion rate as a label. */
export function plannedVsCompleted(groups, { rotate = 0 } = {}) {
  return {
    animation: false,
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    legend: { top: 0 },
    grid: { left: 48, right: 12, top: 32, bottom: rotate ? 88 : 36 },
    xAxis: { type: 'category', data: groups.map((g) => nameOf(g.name)), axisLabel: { rotate, interval: 0, fontSize: 11 } },
    yAxis: { type: 'value', name: axisName() },
    series: [
      { name: t('dash.planned'), type: 'bar', data: groups.map((g) => Number(g.investment_year)), itemStyle: { color: PLANNED }, cursor: 'pointer' },
      {
        name: t('dash.completed'), type: 'bar', data: groups.map((g) => Number(g.completed_year)), itemStyle: { color: DONE }, cursor: 'pointer',
        label: { show: true, position: 'top', fontSize: 10, formatter: (p) => (groups[p.dataIndex].completion_rate == null ? '' : `${groups[p.dataIndex].completion_rate}%`) },
      },
    ],
  };
}

/** Pie of projects per status. */
export function statusPie(byStatus, statuses) {
  return {
    animation: false,
    tooltip: { trigger: 'item', formatter: '{b}: {c} ({d}%)' },
    legend: { bottom: 0 },
    series: [{
      type: 'pie', radius: ['35%', '65%'], center: ['50%', '45%'],
      label: { formatter: '{b}\n{c}' },
      data: statuses.map((s) => ({ name: label(s), value: byStatus[s.code] || 0 })),
    }],
  };
}

/** Monthly investment bars with this year's cumulative against the even plan. */
export function trend(points, year) {
  const months = points.map((p) => p.month);
  return {
    animation: false,
    tooltip: { trigger: 'axis' },
    legend: { top: 0 },
    grid: { left: 52, right: 12, top: 32, bottom: 36 },
    xAxis: { type: 'category', data: months },
    yAxis: { type: 'value', name: axisName() },
    series: [
      { name: t('dash.investMonth'), type: 'bar', data: points.map((p) => Number(p.investment_month)), itemStyle: { color: PLANNED } },
      { name: t('dash.completedYtd'), type: 'line', data: points.map((p) => (p.month.startsWith(`${year}-`) ? Number(p.completed_ytd) : null)), itemStyle: { color: DONE } },
      { name: t('dash.planYtd'), type: 'line', data: points.map((p) => (p.plan_ytd == null ? null : Number(p.plan_ytd))), lineStyle: { type: 'dashed' }, itemStyle: { color: '#6b7280' } },
    ],
  };
}

/** Red and yellow project counts per month. */
export function lightTrend(points, lights) {
  const colour = Object.fromEntries((lights || []).map((l) => [l.code, l]));
  return {
    animation: false,
    tooltip: { trigger: 'axis' },
    legend: { top: 0 },
    grid: { left: 40, right: 12, top: 32, bottom: 36 },
    xAxis: { type: 'category', data: points.map((p) => p.month) },
    yAxis: { type: 'value', minInterval: 1 },
    series: ['red', 'yellow'].map((code) => ({
      name: label(colour[code]) || code, type: 'line', data: points.map((p) => p[code]), itemStyle: { color: colour[code]?.color },
    })),
  };
}
