// The project card's 督办问题 section: the project's tracked problems (state, overdue days, 协调 / 销号 for planners)
// and its reports' 存在问题, each with 转为督办问题 for a planner or the project's district reporter.
import { api, problemsApi } from './api.js';
import { t } from './i18n.js';
import { currentUser } from './auth.js';
import { h, fill } from './dom.js';
import { problemItem, trackForm } from './problems-common.js';

/** May `user` track problems of `project` (planners anywhere, reporters in their own district)? */
function mayTrack(user, project) {
  if (!user || !(user.permissions || []).includes('track_problems')) return false;
  return !user.district || user.district === project.district || (user.permissions || []).includes('coordinate_problems');
}

const changed = (detail) => window.dispatchEvent(new CustomEvent('warroom:problem-changed', { detail }));

export function mountProjectProblems(card, project, meta) {
  const section = h('section', { class: 'problems-card', dataset: { testid: 'project-problems' } });
  card.append(section);
  let user = null;

  async function render() {
    let listed = { problems: [] };
    let reports = [];
    try {
      [user, listed, reports] = await Promise.all([currentUser(), problemsApi.list({ project: project.id }), api.reports(project.id)]);
    } catch { return; }
    const tracked = new Set(listed.problems.filter((p) => p.status !== 'resolved').map((p) => p.report_id));
    // A problem reported month after month shows once, at its latest month (reports come newest first).
    const seen = new Set();
    const withProblems = reports.filter((r) => r.problems && r.current && !seen.has(r.problems) && seen.add(r.problems)).slice(0, 6);
    const canTrack = mayTrack(user, project);
    const reportRow = (r) => {
      const li = h('li', { class: 'report-problem', dataset: { testid: 'report-problem', month: r.month, reportId: r.id } });
      const show = () => fill(li, h('b', {}, r.month), ' ', r.problems, ' ',
        tracked.has(r.id)
          ? h('span', { class: 'muted', dataset: { testid: 'already-tracked' } }, t('problems.alreadyTracked'))
          : canTrack && h('button', { type: 'button', class: 'btn btn-small', dataset: { testid: 'track-problem' },
            onclick: () => fill(li, h('b', {}, r.month), ' ', trackForm(meta, r, { onDone: (made) => { render(); changed(made); }, onCancel: show })) }, t('problems.track')));
      show();
      return li;
    };
    fill(section,
      h('h3', { class: 'report-title' }, t('problems.title'), ' ',
        h('a', { href: `/problems.html#project=${project.id}`, class: 'muted' }, t('problems.link'))),
      listed.problems.length
        ? h('ul', { class: 'problem-list', dataset: { testid: 'problem-list' } },
          listed.problems.map((p) => problemItem(meta, p, { user, onChange: changed })))
        : h('p', { class: 'muted' }, t('problems.none')),
      withProblems.length > 0 && [h('h4', { class: 'muted' }, t('problems.reportProblems')),
        h('ul', { class: 'report-problems' }, withProblems.map(reportRow))]);
  }
  render();
}
