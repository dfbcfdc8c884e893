// Reporters' proposals (提议修改) as a planner decides them: each with its before → after and 采纳 / 驳回 (a reason is
// required to reject). Used in the project card (js/project-edit.js) and, for every project, on the review page.
import { projectApi } from './api.js';
import { t, addMessages, onLangChange } from './i18n.js';
import { h, fill } from './dom.js';
import { toast, showError } from './toast.js';
import { currentUser } from './auth.js';

addMessages({
  zh: {
    'pp.title': '项目修改提议', 'pp.none': '没有待审核的项目修改提议', 'pp.accept': '采纳', 'pp.reject': '驳回',
    'pp.rejectReason': '驳回原因', 'pp.accepted': '已采纳提议', 'pp.rejected': '已驳回提议',
    'pp.proposedBy': '{who} 提议 · {at}', 'pp.needReason': '请填写原因', 'pp.empty': '(空)',
  },
  en: {
    'pp.title': 'Proposed project changes', 'pp.none': 'No proposals await a decision', 'pp.accept': 'Accept',
    'pp.reject': 'Reject', 'pp.rejectReason': 'Reason', 'pp.accepted': 'Proposal accepted',
    'pp.rejected': 'Proposal rejected', 'pp.proposedBy': 'proposed by {who} · {at}', 'pp.needReason': 'Give the reason',
    'pp.empty': '(empty)',
  },
});

/** One pending proposal with its changes and the two decisions; onDecided(decision) after the server agreed. */
export function proposalItem(pr, { onDecided, showProject = false } = {}) {
  const reason = h('input', { type: 'text', maxlength: 1000, placeholder: t('pp.rejectReason'), 'aria-label': t('pp.rejectReason'), dataset: { testid: 'proposal-reason' } });
  const error = h('small', { class: 'field-error' });
  const buttons = [];
  const decide = async (decision) => {
    if (decision === 'reject' && !reason.value.trim()) { error.textContent = t('pp.needReason'); return; }
    for (const b of buttons) b.disabled = true;
    try {
      await projectApi.decide(pr.project_id, pr.id, decision, reason.value.trim());
      toast(t(decision === 'accept' ? 'pp.accepted' : 'pp.rejected'), { kind: 'info', timeout: 4000 });
      if (onDecided) onDecided(decision);
    } catch (err) {
      showError(err);
    } finally {
      for (const b of buttons) b.disabled = false;
    }
  };
  buttons.push(
    h('button', { type: 'button', class: 'btn btn-small', dataset: { testid: 'proposal-accept' }, onclick: () => decide('accept') }, t('pp.accept')),
    h('button', { type: 'button', class: 'btn btn-small', dataset: { testid: 'proposal-reject' }, onclick: () => decide('reject') }, t('pp.reject')));
  return h('li', { class: 'pe-proposal', dataset: { testid: 'proposal', id: pr.id, project: pr.project_id } },
    showProject && h('p', {}, h('a', { href: `/#project=${encodeURIComponent(pr.project_id)}` }, `${pr.code} ${pr.project_name}`)),
    h('p', { class: 'muted' }, t('pp.proposedBy', { who: pr.proposed_by, at: pr.proposed_at.slice(0, 16).replace('T', ' ') })),
    pr.note && h('p', {}, pr.note),
    h('ul', { class: 'pe-changes' }, pr.preview.map((c) => h('li', {}, h('b', {}, c.label), ':',
      h('del', {}, c.before || t('pp.empty')), ' → ', h('ins', {}, c.after || t('pp.empty'))))),
    h('div', { class: 'pe-actions' }, buttons[0], reason, buttons[1], error));
}

/** The review page's list of every pending proposal (planners only; the section stays hidden for others). */
async function mountReviewList(host) {
  const user = await currentUser();
  if (!user || !user.permissions.includes('edit_projects')) return;
  host.hidden = false;
  const list = h('div', { dataset: { testid: 'proposals' } });
  async function render() {
    let proposals = [];
    try { proposals = (await projectApi.pendingProposals()).proposals; } catch (err) { showError(err); }
    fill(host, h('h2', { class: 'card-title' }, t('pp.title')), list);
    fill(list, proposals.length
      ? h('ul', { class: 'pe-proposal-list' }, proposals.map((pr) => proposalItem(pr, { showProject: true, onDecided: render })))
      : h('p', { class: 'muted' }, t('pp.none')));
  }
  onLangChange(render);
  await render();
}

const host = document.getElementById('project-proposals');
if (host) mountReviewList(host);
