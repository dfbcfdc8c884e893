// The dashboard's key-task section: completed / on schedule / lagging (red: 滞后 or overdue) by lead department and
// by category, at the dashboard's month, from /api/tasks/summary; each bar opens the register filtered to it.
import * as echarts from 'echarts';
import { api } from './api.js';
import { t, label, fmtInt, onLangChange } from './i18n.js';
import './i18n-tasks.js';
import { h, fill } from './dom.js';
import { showError } from './toast.js';

const SERIES = [['completed', '#2ca25f'], ['on_schedule', '#4e79a7'], ['lagging', '#de2d26']];
const KEYS = { completed: 'dashTasks.completed', on_schedule: 'dashTasks.onSchedule', lagging: 'dashTasks.lagging' };

function stacked(groups, names) {
  return {
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    legend: { top: 0 },
    grid: { left: 8, right: 16, top: 28, bottom: 8, containLabel: true },
    xAxis: { type: 'value', minInterval: 1 },
    yAxis: { type: 'category', inverse: true, data: names },
    series: SERIES.map(([key, color]) => ({
      name: t(KEYS[key]), type: 'bar', stack: 'tasks', itemStyle: { color }, data: groups.map((g) => g[key]),
    })),
  };
}

/** Mount the section in `host`; load(month) draws it for a month (YYYY-MM). */
export function mountTaskSection(host, meta) {
  const kpis = h('dl', { class: 'dash-tasks-kpis', dataset: { testid: 'dash-tasks-kpis' } });
  const byDept = h('div', { class: 'task-chart', dataset: { testid: 'chart-task-department' } });
  const byCat = h('div', { class: 'task-chart', dataset: { testid: 'chart-task-category' } });
  const title = h('h2', { class: 'card-title' });
  const deptTitle = h('h3', {});
  const catTitle = h('h3', {});
  fill(host, title, kpis, h('div', { class: 'dash-tasks-charts' }, deptTitle, byDept, catTitle, byCat));
  const charts = { department: echarts.init(byDept), category: echarts.init(byCat) };
  window.addEventListener('resize', () => Object.values(charts).forEach((c) => c.resize()));
  let data = null;
  const categories = () => new Map((meta.task_categories || []).map((c) => [c.code, c]));
  charts.department.on('click', (p) => { const g = data?.by_department[p.dataIndex]; if (g) location.href = `/tasks.html#department=${g.id}`; });
  charts.category.on('click', (p) => { const g = data?.by_category[p.dataIndex]; if (g) location.href = `/tasks.html#category=${g.code}`; });

  function render() {
    if (!data) return;
    fill(title, t('dashTasks.title'), ' ', h('small', { class: 'muted' }, data.month), ' ',
      h('a', { class: 'btn btn-small', href: '/tasks.html', dataset: { testid: 'dash-tasks-open' } }, t('dashTasks.open')));
    const kpi = (key, value, code) => h('div', {}, h('dt', {}, t(key)), h('dd', { dataset: { testid: `dash-tasks-${code}`, value: String(value) } }, fmtInt(value)));
    fill(kpis, kpi('dashTasks.total', data.total, 'total'), kpi('dashTasks.completed', data.completed, 'completed'),
      kpi('dashTasks.onSchedule', data.on_schedule, 'on_schedule'), kpi('dashTasks.lagging', data.lagging, 'lagging'));
    deptTitle.textContent = t('dashTasks.byDepartment');
    catTitle.textContent = t('dashTasks.byCategory');
    byDept.style.height = `${Math.max(240, data.by_department.length * 26 + 50)}px`;
    charts.department.resize();
    charts.department.setOption(stacked(data.by_department, data.by_department.map((g) => g.name)), true);
    const cats = categories();
    charts.category.setOption(stacked(data.by_category, data.by_category.map((g) => label(cats.get(g.code)) || g.code)), true);
  }

  async function load(month) {
    try {
      data = await api.taskSummary(month);
      host.dataset.month = data.month;
      render();
    } catch (err) { showError(err); }
  }
  onLangChange(render);
  return { load, charts };
}
