// The monthly progress form (每月调度填报) inside the project card: recent reports, submit or correct a month.
// Field errors from the server's problem+json are shown next to their fields; a saved report emits
// `warroom:report-saved` on window so the map reloads markers, summary and lights.
import { api } from './api.js';
import { t, label, fmtPct, fmtYi } from './i18n.js';
import { toast, showError } from './toast.js';
import { getState } from './state.js';
import { h, fill } from './dom.js';

const FIELDS = [
  ['progress', 'report.progress', 'number', { min: 0, max: 100, step: '0.01', required: true }],
  ['investment_month', 'report.investMonth', 'number', { min: 0, step: '0.01', required: true }],
  ['investment_cumulative', 'report.investCum', 'number', { min: 0, step: '0.01', required: true }],
  ['milestone', 'report.milestone', 'text', {}],
  ['problems', 'report.problems', 'textarea', {}],
  ['next_steps', 'report.nextSteps', 'textarea', {}],
  ['regress_reason', 'report.regressReason', 'text', {}],
];

function defaultMonth(meta) {
  const now = new Date();
  const current = `${now.getFullYear()}-${String(now.getMonth() + 1).padStart(2, '0')}`;
  return getState().filters.month || (meta.report_months || [])[0] || current;
}

export function mountReportForm(slot, project, meta) {
  const body = h('div', { class: 'report-body', hidden: true });
  const button = h('button', { type: 'button', class: 'btn btn-small', dataset: { testid: 'report-open' } }, t('report.open'));
  fill(slot, button, body);
  button.addEventListener('click', async () => {
    const open = body.hidden;
    body.hidden = !open;
    button.textContent = t(open ? 'report.close' : 'report.open');
    if (open) await render();
  });

  async function render() {
    let reports = [];
    try { reports = await api.reports(project.id); } catch (err) { showError(err); }
    const month = defaultMonth(meta);
    const base = reports.find((r) => r.month === month) || reports.find((r) => r.month < month) || {};
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
      r.problems && [' ', h('span', { class: 'muted' }, r.problems)]));
    const form = h('form', { class: 'report-form', dataset: { testid: 'report-form' }, novalidate: true, onsubmit: submit },
      h('div', { class: 'field-row' },
        h('label', { class: 'field' }, h('span', {}, t('report.month')), h('input', { name: 'month', type: 'month', value: month, required: true }), errorFor('month')),
        h('label', { class: 'field' }, h('span', {}, t('report.status')), h('select', { name: 'status' }, statuses), errorFor('status'))),
      FIELDS.map(input),
      h('button', { type: 'submit', class: 'btn', dataset: { testid: 'report-submit' } }, t('report.submit')));
    fill(body,
      h('h3', { class: 'report-title' }, t('report.title'), ' ', h('span', { class: 'muted' }, t('report.total', { t: fmtYi(project.investment_total) }))),
      h('h4', { class: 'muted' }, t('report.recent')),
      recent.length ? h('ul', { class: 'report-recent', dataset: { testid: 'report-recent' } }, recent) : h('p', { class: 'muted' }, t('report.none')),
      form);
  }

  async function submit(e) {
    e.preventDefault();
    const form = e.currentTarget;
    for (const el of form.querySelectorAll('.field-error')) el.textContent = '';
    const data = Object.fromEntries(new FormData(form).entries());
    const month = data.month;
    delete data.month;
    for (const k of ['milestone', 'problems', 'next_steps', 'regress_reason']) if (!data[k]) data[k] = null;
    const submitBtn = form.querySelector('[type=submit]');
    submitBtn.disabled = true;
    try {
      const saved = await api.putReport(project.id, month, data);
      const key = saved.review_state === 'pending' ? (saved.correction ? 'report.correction_pending' : 'report.pending')
        : saved.version > 1 ? 'report.corrected' : 'report.saved';
      toast(t(key, { m: month, v: saved.version }), { kind: 'info', timeout: 4000 });
      window.dispatchEvent(new CustomEvent('warroom:report-saved', { detail: { projectId: project.id, month } }));
    } catch (err) {
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
