// The dashboard's 考核 section: the districts' league table for the dashboard's month (rank, score, movement), the
// 红黑榜 and the weights; it follows the dashboard's month and links to assessment.html for breakdowns and trends.
import { assessmentApi } from './api.js';
import { t, onLangChange } from './i18n.js';
import './i18n-assessment.js';
import { h, fill } from './dom.js';
import { leagueTable, board, weightsBox } from './assessment-view.js';

async function mount() {
  const main = document.getElementById('dash');
  if (!main) return;
  const section = h('section', { class: 'card dash-wide assess-dash', id: 'dash-assessment', dataset: { testid: 'dash-assessment' } });
  main.insertBefore(section, document.getElementById('dash-note')?.closest('section') || null);
  let data = null;
  let month = '';
  const render = () => {
    if (!data) return;
    const link = (u) => `/assessment.html#${new URLSearchParams({ period: data.period, kind: data.kind, ...(u ? { unit: u } : {}) })}`;
    fill(section,
      h('h2', { class: 'card-title' }, t('assess.dashTitle'), ' ', h('small', { class: 'muted' }, data.period), ' ',
        h('a', { class: 'btn btn-small', href: link(''), dataset: { testid: 'dash-assessment-open' } }, t('assess.open'))),
      h('div', { class: 'assess-dash-body' },
        leagueTable(data, { compact: true, onOpen: (u) => { location.href = link(u.name); } }),
        h('div', {}, board(data), weightsBox(data))));
  };
  async function follow() {
    const current = window.warroomDashboard?.data?.month;
    if (!current || current === month) return;
    month = current;
    try {
      data = await assessmentApi.league(month, 'district');
      section.dataset.period = data.period;
      render();
    } catch { /* the dashboard shows its own errors; this section stays empty */ }
  }
  // The dashboard marks the page ready after each month it loads: follow its month without a hook in dashboard.js.
  new MutationObserver(follow).observe(document.body, { attributes: true, attributeFilter: ['data-ready'] });
  onLangChange(render);
  await window.warroomDashboard?.ready;
  follow();
}

mount();
