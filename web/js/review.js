// The planner's page: the submissions awaiting review (通过 / 退回 with a reason) and the months of the dispatch
// cycle with a 关账 button for an ended open month. States and their labels come from /api/meta.
import { api } from './api.js';
import { initI18n, setMeta, t, label, nameOf, fmtPct, fmtYi, toggleLang, addMessages, onLangChange } from './i18n.js';
import { mountUserBox } from './auth.js';
import { toast, showError } from './toast.js';
import { h, fill } from './dom.js';

addMessages({
  zh: {
    'review.title': '审核与关账', 'review.periods': '调度月份', 'review.queue': '待审核', 'review.none': '没有待审核的填报',
    'review.pass': '通过', 'review.return': '退回', 'review.reason': '退回原因', 'review.reasonRequired': '退回时请写明原因',
    'review.close': '关账', 'review.closeConfirm': '关账 {m}?关账后全市数据按 {m} 统计,之后的修改须审核。',
    'review.closed': '{m} 已关账', 'review.passed': '已通过 {n} 的 {m} 填报', 'review.returned': '已退回 {n} 的 {m} 填报',
    'review.was': '原 {p}', 'review.due': '截止 {d}', 'review.by': '{u} 关账', 'review.auto': '到期自动关账',
  },
  en: {
    'review.title': 'Review & close', 'review.periods': 'Months', 'review.queue': 'Awaiting review', 'review.none': 'Nothing awaits review',
    'review.pass': 'Pass', 'review.return': 'Return', 'review.reason': 'Reason', 'review.reasonRequired': 'Give the reason for returning',
    'review.close': 'Close', 'review.closeConfirm': 'Close {m}? The city\'s figures move to {m}; later changes need review.',
    'review.closed': '{m} closed', 'review.passed': 'Passed {n}, {m}', 'review.returned': 'Returned {n}, {m}',
    'review.was': 'was {p}', 'review.due': 'due {d}', 'review.by': 'closed by {u}', 'review.auto': 'closed by the date',
  },
});

const $ = (id) => document.getElementById(id);
let meta = null;
let periods = null;
let queue = [];

const stateLabel = (group, code) => label((meta[group] || []).find((s) => s.code === code)) || code;

function renderPeriods() {
  const rows = (periods.months || []).slice(0, 6).map((m) => h('tr', { dataset: { testid: 'period-row', month: m.month, state: m.state } },
    h('td', {}, m.month), h('td', { dataset: { testid: 'period-state' } }, stateLabel('period_states', m.state)),
    h('td', { class: 'muted' }, t('review.due', { d: m.due_date })),
    h('td', { class: 'muted' }, m.state !== 'open' ? (m.closed_by ? t('review.by', { u: m.closed_by }) : m.auto_closed ? t('review.auto') : '') : ''),
    h('td', {}, m.state === 'open' && m.ended && h('button', { type: 'button', class: 'btn btn-small', dataset: { testid: 'close-month', month: m.month },
      onclick: () => closeMonth(m.month) }, t('review.close')))));
  fill($('periods'), h('table', { class: 'admin-table' }, h('tbody', {}, rows)));
}

function renderQueue() {
  if (!queue.length) { fill($('reviews'), h('p', { class: 'muted', dataset: { testid: 'reviews-empty' } }, t('review.none'))); return; }
  const rows = queue.map(({ report: r, project: p, passed }) => {
    const reason = h('input', { type: 'text', maxlength: 1000, 'aria-label': t('review.reason'), placeholder: t('review.reason'), dataset: { testid: 'review-reason-input' } });
    const error = h('small', { class: 'field-error', dataset: { testid: 'review-error' } });
    return h('tr', { dataset: { testid: 'review-row', project: p.id, month: r.month } },
      h('td', {}, r.month, r.correction && [' ', h('span', { class: 'muted' }, stateLabel('period_states', 'closed'))]),
      h('td', {}, h('b', {}, p.name), ' ', h('span', { class: 'muted' }, `${nameOf(p.district)} · ${p.unit || ''}`)),
      h('td', { class: 'num' }, fmtPct(r.progress), passed && [' ', h('span', { class: 'muted' }, t('review.was', { p: fmtPct(passed.progress) }))]),
      h('td', { class: 'num' }, fmtYi(r.investment_cumulative)),
      h('td', {}, r.problems || ''),
      h('td', {}, h('button', { type: 'button', class: 'btn btn-small', dataset: { testid: 'review-pass' }, onclick: () => decide(p, r.month, 'pass', '') }, t('review.pass')), ' ',
        reason, ' ',
        h('button', { type: 'button', class: 'btn btn-small', dataset: { testid: 'review-return' }, onclick: () => {
          if (!reason.value.trim()) { error.textContent = t('review.reasonRequired'); reason.focus(); return; }
          decide(p, r.month, 'return', reason.value);
        } }, t('review.return')), error));
  });
  fill($('reviews'), h('table', { class: 'admin-table' }, h('tbody', {}, rows)));
}

function render() { if (periods) renderPeriods(); renderQueue(); $('lang-toggle').textContent = t('lang.switch'); }

async function load() {
  document.body.dataset.ready = '0';
  try { [periods, queue] = await Promise.all([api.periods(), api.reviews()]); render(); } catch (err) { showError(err); }
  document.body.dataset.ready = '1';
}

async function decide(project, month, decision, reason) {
  try {
    await api.reviewReport(project.id, month, decision, reason || null);
    toast(t(decision === 'pass' ? 'review.passed' : 'review.returned', { n: project.name, m: month }), { kind: 'info', timeout: 3000 });
  } catch (err) { showError(err); }
  await load();
}

async function closeMonth(month) {
  if (!window.confirm(t('review.closeConfirm', { m: month }))) return;
  try { await api.closePeriod(month); toast(t('review.closed', { m: month }), { kind: 'info', timeout: 3000 }); } catch (err) { showError(err); }
  await load();
}

async function boot() {
  initI18n();
  meta = await api.meta();
  setMeta(meta);
  mountUserBox($('user-box'));
  $('lang-toggle').addEventListener('click', () => toggleLang());
  onLangChange(render);
  await load();
}

boot().catch((err) => { document.body.dataset.ready = 'error'; showError(err); });
