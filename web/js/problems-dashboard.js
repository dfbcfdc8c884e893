// The dashboard's 逾期未解决的问题 section: open problems past their deadline as of today, counted per district,
// each with its project, lead department and days overdue; the 问题清单 page has the whole list.
import { api, problemsApi } from './api.js';
import { t, nameOf, onLangChange, setMeta } from './i18n.js';
import { h, fill } from './dom.js';
import './problems-common.js'; // its messages

async function mount() {
  const main = document.getElementById('dash');
  if (!main) return;
  const section = h('section', { class: 'card dash-wide problems-dash', id: 'dash-problems', dataset: { testid: 'dash-problems' } });
  main.insertBefore(section, document.getElementById('dash-note')?.closest('section') || null);
  let listed = null;
  const render = () => {
    if (!listed) return;
    const byDistrict = listed.by_district.filter((r) => r.open || r.overdue);
    fill(section,
      h('h2', { class: 'card-title' }, t('problems.overdueTitle'), ' ',
        h('small', { class: 'muted', dataset: { testid: 'dash-problems-asof' } }, `${t('problems.asOf', { d: listed.as_of })} · ${t('problems.overdueCount', { n: listed.overdue })}`), ' ',
        h('a', { class: 'btn btn-small', href: '/problems.html' }, t('problems.link'))),
      byDistrict.length > 0 && h('table', { class: 'lag-table', dataset: { testid: 'dash-problems-districts' } },
        h('thead', {}, h('tr', {}, h('th', {}, t('problems.byDistrict')), h('th', {}, t('problems.open')), h('th', {}, t('problems.overdue')))),
        h('tbody', {}, byDistrict.map((r) => h('tr', { dataset: { district: r.district } }, h('td', {}, nameOf(r.district)),
          h('td', { class: 'num' }, String(r.open)), h('td', { class: 'num' }, String(r.overdue)))))),
      listed.problems.length
        ? h('table', { class: 'lag-table', dataset: { testid: 'dash-problems-list' } },
          h('thead', {}, h('tr', {}, h('th', {}, t('problems.project')), h('th', {}, t('problems.description')),
            h('th', {}, t('problems.department')), h('th', {}, t('problems.deadline')), h('th', {}, t('problems.overdue')))),
          h('tbody', {}, listed.problems.map((p) => h('tr', { dataset: { testid: 'dash-problem', id: p.id } },
            h('td', {}, h('a', { href: `/#${new URLSearchParams({ project: p.project_id })}` }, p.project_name), ' ', h('span', { class: 'muted' }, nameOf(p.district))),
            h('td', {}, p.description), h('td', {}, p.department), h('td', {}, p.deadline),
            h('td', { class: 'num problem-overdue' }, t('problems.overdueDays', { n: p.overdue_days }))))))
        : h('p', { class: 'muted' }, t('problems.none')));
  };
  try {
    const [meta, everything, overdue] = await Promise.all([api.meta(), problemsApi.list(), problemsApi.list({ overdue: 'true' })]);
    setMeta(meta);
    listed = { ...overdue, by_district: everything.by_district };
  } catch { return; }
  render();
  onLangChange(render);
}

mount();
