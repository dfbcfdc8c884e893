// The monthly progress form (每月调度填报) inside the project card: recent reports, submit or correct a month.
// Field errors from the server's problem+json are shown next to their fields; a saved report emits
// `warroom:report-saved` on window so the map reloads markers, summary and lights.
import { api } from './api.js';
import { t, label, fmtPct, fmtYi } from './i18n.js';
import { toast, showError } from './toast.js';
import { getState } from './state.js';
import { h, fill } from './dom.js';
import { currentUser, userMay } from './auth.js';
import * as outbox from './outbox.js'; // issue 16: a report made offline waits on the phone
import './i18n-phone.js';

/** Whether the account may file this project's report: a reporter role or above, and a reporter's own district. */
export function mayReport(meta, user, project) {
  if (!userMay(meta, user, 'submit_reports')) return false;
  return !(user.district && project.district && user.district !== project.district);
}

const FIELDS = [
  ['progress', 'report.progress', 'number', { min: 0, max: 100, step: '0.01', required: true }],
  ['investment_month', 'report.investMonth', 'number', { min: 0, step: '0.01', required: true }],
  ['investment_cumulative', 'report.investCum', 'number', { min: 0, step: '0.01', required: true }],
  ['milestone', 'report.milestone', 'text', {}],
  ['problems', 'report.problems', 'textarea', {}],
  ['next_steps', 'report.nextSteps', 'textarea', {}],
  ['regress_reason', 'report.regressReason', 'text', {}],
];

/** The month the form opens on: the due month of the dispatch cycle (from /api/meta). */
function defaultMonth(meta) {
  const now = new Date();
  const current = `${now.getFullYear()}-${String(now.getMonth() + 1).padStart(2, '0')}`;
  return (meta.cycle || {}).due_month || current;
}

const reviewLabel = (meta, code) => label((meta.review_states || []).find((r) => r.code === code)) || code || '';

/** One month's report as the card shows it: progress vs plan, 存在问题 / 下步打算 / 节点, review state (and reason). */
function reportSummary(meta, r, project, { shownMonth }) {
  const line = (key, value, testid) => value && h('div', { class: 'kv' }, h('dt', {}, t(key)), h('dd', { dataset: { testid } }, value));
  const plan = r.month === shownMonth && project.planned_progress != null ? ` / ${t('panel.planned', { p: fmtPct(project.planned_progress) })}` : '';
  return h('div', { class: 'report-month', dataset: { testid: 'report-month', month: r.month, reviewState: r.review_state } },
    h('h4', {}, r.month, ' ', h('span', { class: `review-badge review-${r.review_state}`, dataset: { testid: 'review-state' } }, reviewLabel(meta, r.review_state)),
      r.correction && [' ', h('span', { class: 'muted' }, t('report.correctClosed'))]),
    h('dl', { class: 'kvs' },
      line('report.progress', `${fmtPct(r.progress)}${plan}`, 'report-progress'),
      line('report.milestone', r.milestone, 'report-milestone'),
      line('report.problems', r.problems, 'report-problems'),
      line('report.nextSteps', r.next_steps, 'report-next-steps')),
    r.review_state === 'returned' && r.review_reason && h('p', { class: 'review-reason', dataset: { testid: 'review-reason' } }, t('report.returnedReason', { r: r.review_reason })));
}

export function mountReportForm(slot, project, meta) {
  const body = h('div', { class: 'report-body', hidden: true });
  const status = h('div', { class: 'report-status', dataset: { testid: 'report-status' } });
  // Offered only to an account that may file this project's report (known once /api/auth/me answers).
  const button = h('button', { type: 'button', class: 'btn btn-small', hidden: true, dataset: { testid: 'report-open' } }, t('report.open'));
  // Reports of this project waiting in the outbox (待发送 / 发送中 / 被拒绝 with the server's reason).
  const waiting = h('ul', { class: 'report-outbox', dataset: { testid: 'report-outbox' } });
  const showOutbox = () => outbox.items(project.id).then((list) => fill(waiting, list
    .filter((x) => x.kind === 'report' && x.state !== 'sent')
    .map((x) => h('li', { dataset: { testid: 'report-outbox-item', outboxState: x.state, month: x.month } },
      `${x.month} · ${t(`outbox.${x.state === 'sending' ? 'sending' : x.state}`)}`,
      x.state === 'pending' && ` · ${t(x.status === 401 ? 'outbox.signIn' : 'outbox.kept')}`,
      x.state === 'rejected' && [` · ${x.reason} `,
        h('button', { type: 'button', class: 'btn btn-small', onclick: () => outbox.forget(x.id) }, t('outbox.forget'))]))))
    .catch(() => {});
  const onOutbox = () => { if (!slot.isConnected) window.removeEventListener('warroom:outbox', onOutbox); else showOutbox(); };
  window.addEventListener('warroom:outbox', onOutbox);
  showOutbox();
  fill(slot, status, button, waiting, body);
  currentUser().then((user) => {
    const may = mayReport(meta, user, project);
    slot.dataset.reportOffered = may ? '1' : '0';
    if (may) button.hidden = false;
    else button.remove();
  });
  let periods = null;

  // Without opening the form: the selected month's figures and the due month's submission (pending / returned).
  (async () => {
    let reports = [];
    try { reports = await api.reports(project.id); } catch { return; }
    const shownMonth = getState().filters.month || (meta.cycle || {}).shown_month;
    const due = defaultMonth(meta);
    const pick = (m) => reports.find((r) => r.month === m && r.review_state !== 'passed') || reports.find((r) => r.month === m);
    const shown = pick(shownMonth) || reports.find((r) => r.month < shownMonth && r.review_state === 'passed');
    const dueReport = due !== shownMonth ? pick(due) : null;
    fill(status, shown && reportSummary(meta, shown, project, { shownMonth }), dueReport && reportSummary(meta, dueReport, project, { shownMonth }));
  })();
  button.addEventListener('click', async () => {
    const open = body.hidden;
    body.hidden = !open;
    button.textContent = t(open ? 'report.close' : 'report.open');
    if (open) await render();
  });

  async function render() {
    let reports = [];
    try { [reports, periods] = await Promise.all([api.reports(project.id), periods || api.periods()]); } catch (err) { showError(err); }
    const month = defaultMonth(meta);
    const own = reports.find((r) => r.month === month);
    const previous = reports.find((r) => r.month < month && r.review_state === 'passed');
    const base = own || previous || {};
    const current = base.status || project.status;
    const statuses = (meta.statuses || []).map((s) => h('option', { value: s.code, selected: s.code === current }, label(s)));
    const errorFor = (name) => h('small', { class: 'field-error', dataset: { errorFor: name } });
    const input = ([name, key, type, attrs]) => {
      const value = base[name] ?? '';
      const control = type === 'textarea'
        ? h('textarea', { name, rows: 2, ...attrs }, String(value))
        : h('input', { name, type, value, ...attrs });
      return h('label', { class: 'field' }, h('span', {}, t(key)), control, errorFor(name));
    };
    const recent = reports.slice(0, 4).map((r) => h('li', {}, h('b', {}, r.month), ` ${fmtPct(r.progress)} · ${fmtYi(r.investment_cumulative)}`,
      r.version > 1 && [' ', h('span', { class: 'muted' }, `v${r.version}`)],
      r.review_state && r.review_state !== 'passed' && [' ', h('span', { class: `review-badge review-${r.review_state}` }, reviewLabel(meta, r.review_state))],
      r.review_state === 'returned' && r.review_reason && [' ', h('span', { class: 'review-reason' }, t('report.returnedReason', { r: r.review_reason }))],
      r.problems && [' ', h('span', { class: 'muted' }, r.problems)]));
    const form = h('form', { class: 'report-form', dataset: { testid: 'report-form' }, novalidate: true, onsubmit: submit },
      h('div', { class: 'field-row' },
        h('label', { class: 'field' }, h('span', {}, t('report.month')), h('input', { name: 'month', type: 'month', value: month, required: true, onchange: syncCorrection }), errorFor('month')),
        h('label', { class: 'field' }, h('span', {}, t('report.status')), h('select', { name: 'status' }, statuses), errorFor('status'))),
      h('label', { class: 'field field-check', hidden: true, dataset: { testid: 'report-correct-row' } },
        h('input', { type: 'checkbox', name: 'correct_closed', dataset: { testid: 'report-correct' } }), ' ', t('report.correctClosed')),
      !own && previous && h('p', { class: 'report-prefill', dataset: { testid: 'report-prefill' } }, t('report.prefill', { m: previous.month })),
      own && own.review_state === 'returned' && own.review_reason && h('p', { class: 'review-reason', dataset: { testid: 'review-reason' } }, t('report.returnedReason', { r: own.review_reason })),
      FIELDS.map(input),
      h('button', { type: 'submit', class: 'btn', dataset: { testid: 'report-submit' } }, t('report.submit')));
    fill(body,
      h('h3', { class: 'report-title' }, t('report.title'), ' ', h('span', { class: 'muted' }, t('report.total', { t: fmtYi(project.investment_total) }))),
      h('h4', { class: 'muted' }, t('report.recent')),
      recent.length ? h('ul', { class: 'report-recent', dataset: { testid: 'report-recent' } }, recent) : h('p', { class: 'muted' }, t('report.none')),
      form);
    syncCorrection();
  }

  const stateOf = (m) => ((periods && periods.months) || []).find((p) => p.month === m)?.state || 'open';

  /** A closed month takes a report only as an explicit correction: show the 更正已关账月份 choice for one. */
  function syncCorrection() {
    const form = body.querySelector('form');
    if (!form) return;
    const closed = stateOf(form.elements.month.value) !== 'open';
    const row = form.querySelector('[data-testid=report-correct-row]');
    row.hidden = !closed;
    if (!closed) form.elements.correct_closed.checked = false;
  }

  async function submit(e) {
    e.preventDefault();
    const form = e.currentTarget;
    for (const el of form.querySelectorAll('.field-error')) el.textContent = '';
    const data = Object.fromEntries(new FormData(form).entries());
    const month = data.month;
    delete data.month;
    delete data.correct_closed;
    if (stateOf(month) !== 'open' && !form.elements.correct_closed.checked) {
      form.querySelector('[data-error-for=month]').textContent = t('report.closedNeedsCorrection', { m: month });
      return;
    }
    for (const k of ['milestone', 'problems', 'next_steps', 'regress_reason']) if (!data[k]) data[k] = null;
    const submitBtn = form.querySelector('[type=submit]');
    submitBtn.disabled = true;
    let item = null;
    try {
      item = await outbox.addReport({ projectId: project.id, projectName: project.name, month, body: data });
    } catch { /* no IndexedDB: sent directly, as before the outbox */ }
    try {
      const saved = item ? await outbox.send(item.id) : await api.putReport(project.id, month, data);
      const key = saved.review_state === 'pending' ? (saved.correction ? 'report.correction_pending' : 'report.pending')
        : saved.version > 1 ? 'report.corrected' : 'report.saved';
      toast(t(key, { m: month, v: saved.version }), { kind: 'info', timeout: 4000 });
      if (!item) window.dispatchEvent(new CustomEvent('warroom:report-saved', { detail: { projectId: project.id, month } })); // else the outbox said it
    } catch (err) {
      if (err.queued) { // kept on the phone: nothing typed is lost, it is sent when the connection returns
        toast(t('outbox.kept'), { kind: 'info', title: `${month} · ${t('outbox.pending')}`, timeout: 6000 });
        return;
      }
      if (item) outbox.forget(item.id).catch(() => {}); // refused while the form is open: its errors are shown here
      const placed = (err.errors || []).filter((fe) => {
        const slotEl = form.querySelector(`[data-error-for="${CSS.escape(fe.field || '')}"]`);
        if (slotEl) slotEl.textContent = (fe.message || '').split(' / ')[0];
        return Boolean(slotEl);
      });
      if (!placed.length) showError(err);
    } finally {
      submitBtn.disabled = false;
    }
  }
}
