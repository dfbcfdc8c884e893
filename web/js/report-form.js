// The monthly progress form (每月调度填报) inside the project card: recent reports, submit or correct a month.
// Field errors from the server's problem+json are shown next to their fields; a saved report emits
// `warroom:report-saved` on window so the map reloads markers, summary and lights.
import { api } from './api.js';
import { t, label, fmtPct, fmtYi } from './i18n.js';
import { toast, showError } from './toast.js';
import { getState } from './state.js';
import { esc } from './html.js';

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
  slot.innerHTML = `<button type="button" class="btn btn-small" data-testid="report-open">${esc(t('report.open'))}</button>
    <div class="report-body" hidden></div>`;
  const button = slot.querySelector('button');
  const body = slot.querySelector('.report-body');
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
    const statuses = (meta.statuses || []).map((s) => `<option value="${esc(s.code)}"${s.code === (base.status || project.status) ? ' selected' : ''}>${esc(label(s))}</option>`).join('');
    const input = ([name, key, type, attrs]) => {
      const a = Object.entries(attrs).map(([k, v]) => (v === true ? k : `${k}="${esc(v)}"`)).join(' ');
      const value = esc(base[name] ?? '');
      const control = type === 'textarea'
        ? `<textarea name="${name}" rows="2" ${a}>${value}</textarea>`
        : `<input name="${name}" type="${type}" value="${value}" ${a}>`;
      return `<label class="field"><span>${esc(t(key))}</span>${control}<small class="field-error" data-error-for="${name}"></small></label>`;
    };
    const recent = reports.slice(0, 4).map((r) => `<li><b>${esc(r.month)}</b> ${esc(fmtPct(r.progress))} · ${esc(fmtYi(r.investment_cumulative))}${r.version > 1 ? ` <span class="muted">v${r.version}</span>` : ''}${r.problems ? ` <span class="muted">${esc(r.problems)}</span>` : ''}</li>`).join('');
    body.innerHTML = `
      <h3 class="report-title">${esc(t('report.title'))} <span class="muted">${esc(t('report.total', { t: fmtYi(project.investment_total) }))}</span></h3>
      <h4 class="muted">${esc(t('report.recent'))}</h4>
      ${recent ? `<ul class="report-recent" data-testid="report-recent">${recent}</ul>` : `<p class="muted">${esc(t('report.none'))}</p>`}
      <form class="report-form" data-testid="report-form" novalidate>
        <div class="field-row">
          <label class="field"><span>${esc(t('report.month'))}</span><input name="month" type="month" value="${esc(month)}" required><small class="field-error" data-error-for="month"></small></label>
          <label class="field"><span>${esc(t('report.status'))}</span><select name="status">${statuses}</select><small class="field-error" data-error-for="status"></small></label>
        </div>
        ${FIELDS.map(input).join('')}
        <button type="submit" class="btn" data-testid="report-submit">${esc(t('report.submit'))}</button>
      </form>`;
    body.querySelector('form').addEventListener('submit', submit);
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
      toast(saved.version > 1 ? t('report.corrected', { m: month, v: saved.version }) : t('report.saved', { m: month }), { kind: 'info', timeout: 4000 });
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
