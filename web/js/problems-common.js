// Problems to coordinate (问题清单), shared by the card, the problems page and the dashboard: messages, the state
// badge and overdue line, one problem with its history and (for planners) the 协调 / 销号 controls, and the form that
// turns a report's 存在问题 into a tracked problem. States, transitions and departments come from /api/meta.
import { problemsApi } from './api.js';
import { t, label, addMessages } from './i18n.js';
import { toast, showError } from './toast.js';
import { h, fill } from './dom.js';

addMessages({
  zh: {
    'problems.title': '督办问题', 'problems.pageTitle': '问题清单(督办)', 'problems.none': '没有督办问题',
    'problems.link': '问题清单', 'problems.track': '转为督办问题', 'problems.tracked': '已转为督办问题',
    'problems.department': '牵头协调部门', 'problems.action': '协调事项', 'problems.deadline': '办结时限',
    'problems.description': '问题描述', 'problems.source': '来源:{m} 月度进度', 'problems.free': '直接登记',
    'problems.overdueDays': '逾期 {n} 天', 'problems.dueOn': '时限 {d}', 'problems.resolvedOn': '{d} 销号',
    'problems.toCoordinating': '转入协调', 'problems.resolve': '销号', 'problems.note': '说明(销号时写明解决情况)',
    'problems.noteRequired': '销号时请写明解决情况', 'problems.moved': '问题已转为“{s}”', 'problems.history': '办理记录',
    'problems.reportProblems': '月报存在问题', 'problems.submit': '登记', 'problems.cancel': '取消',
    'problems.overdueTitle': '逾期未解决的问题', 'problems.asOf': '截至 {d}', 'problems.overdueCount': '逾期 {n} 个', 'problems.byDistrict': '分区市',
    'problems.open': '未销号', 'problems.overdue': '已逾期', 'problems.all': '全部', 'problems.onlyOverdue': '只看逾期',
    'problems.project': '项目', 'problems.state': '状态', 'problems.filterOverdue': '有逾期问题',
    'problems.alreadyTracked': '已督办', 'problems.edit': '修改', 'problems.save': '保存', 'problems.saved': '已保存修改', 'problems.ev.create': '登记', 'problems.ev.edit': '修改', 'problems.ev.transition': '状态',
  },
  en: {
    'problems.title': 'Problems to coordinate', 'problems.pageTitle': 'Problems to coordinate', 'problems.none': 'No tracked problems',
    'problems.link': 'Problems', 'problems.track': 'Track as a problem', 'problems.tracked': 'Tracked as a problem',
    'problems.department': 'Lead department', 'problems.action': 'Requested action', 'problems.deadline': 'Deadline',
    'problems.description': 'Problem', 'problems.source': 'From the {m} report', 'problems.free': 'Entered directly',
    'problems.overdueDays': '{n} days overdue', 'problems.dueOn': 'due {d}', 'problems.resolvedOn': 'closed {d}',
    'problems.toCoordinating': 'Start coordinating', 'problems.resolve': 'Close', 'problems.note': 'Note (how it was solved, to close)',
    'problems.noteRequired': 'Say how it was solved to close it', 'problems.moved': 'Problem moved to “{s}”', 'problems.history': 'History',
    'problems.reportProblems': 'Problems in reports', 'problems.submit': 'Track', 'problems.cancel': 'Cancel',
    'problems.overdueTitle': 'Overdue problems', 'problems.asOf': 'as of {d}', 'problems.overdueCount': '{n} overdue', 'problems.byDistrict': 'By district',
    'problems.open': 'Open', 'problems.overdue': 'Overdue', 'problems.all': 'All', 'problems.onlyOverdue': 'Overdue only',
    'problems.project': 'Project', 'problems.state': 'State', 'problems.filterOverdue': 'Has an overdue problem',
    'problems.alreadyTracked': 'tracked', 'problems.edit': 'Edit', 'problems.save': 'Save', 'problems.saved': 'Changes saved', 'problems.ev.create': 'entered', 'problems.ev.edit': 'changed', 'problems.ev.transition': 'state',
  },
});

export const stateLabel = (meta, code) => label((meta.problem_states || []).find((s) => s.code === code)) || code || '';

/** The state badge, and the overdue days (or the deadline) next to it. */
export function stateLine(meta, p) {
  return h('span', { class: 'problem-state-line' },
    h('span', { class: `problem-badge problem-${p.status}`, dataset: { testid: 'problem-state', state: p.status } }, stateLabel(meta, p.status)), ' ',
    p.overdue
      ? h('span', { class: 'problem-overdue', dataset: { testid: 'problem-overdue', days: p.overdue_days } }, t('problems.overdueDays', { n: p.overdue_days }))
      : h('span', { class: 'muted' }, p.status === 'resolved' && p.resolved_on ? t('problems.resolvedOn', { d: p.resolved_on }) : t('problems.dueOn', { d: p.deadline })));
}

function historyList(meta, p) {
  return h('ol', { class: 'problem-history', dataset: { testid: 'problem-history' } }, (p.history || []).map((e) => h('li', {},
    h('span', { class: 'muted' }, `${String(e.at).slice(0, 16).replace('T', ' ')} ${e.actor} · `),
    e.kind === 'transition' ? `${stateLabel(meta, e.from)} → ${stateLabel(meta, e.to)}` : t(`problems.ev.${e.kind}`),
    e.changes && [' ', e.changes], e.note && [' · ', e.note])));
}

/** The 协调 / 销号 controls of one problem for a planner; onChange(problem) after a move. */
function transitionControls(meta, p, onChange) {
  const nexts = (meta.problem_transitions || {})[p.status] || [];
  if (!nexts.length) return null;
  const note = h('input', { type: 'text', maxlength: 2000, placeholder: t('problems.note'), 'aria-label': t('problems.note'), dataset: { testid: 'problem-note' } });
  const error = h('small', { class: 'field-error', dataset: { testid: 'problem-error' } });
  const move = async (to, btn) => {
    error.textContent = '';
    if (to === 'resolved' && !note.value.trim()) { error.textContent = t('problems.noteRequired'); note.focus(); return; }
    btn.disabled = true;
    try {
      const moved = await problemsApi.transition(p.id, to, note.value.trim() || null);
      toast(t('problems.moved', { s: stateLabel(meta, moved.status) }), { kind: 'info', timeout: 3000 });
      onChange(moved);
    } catch (err) {
      if ((err.errors || []).some((e) => e.field === 'note')) error.textContent = (err.detail || '').split(' / ')[0];
      else showError(err);
    } finally { btn.disabled = false; }
  };
  const button = (to, key) => {
    const btn = h('button', { type: 'button', class: 'btn btn-small', dataset: { testid: `problem-to-${to}` } }, t(key));
    btn.addEventListener('click', () => move(to, btn));
    return btn;
  };
  return h('div', { class: 'problem-actions' }, note, ' ',
    nexts.includes('coordinating') && [button('coordinating', 'problems.toCoordinating'), ' '],
    nexts.includes('resolved') && button('resolved', 'problems.resolve'), error);
}

/** Change department, requested action or deadline of a problem not yet closed; onChange(problem) once saved. */
function editForm(meta, p, onChange) {
  const errorFor = (name) => h('small', { class: 'field-error', dataset: { errorFor: name } });
  const list = `problem-edit-departments-${p.id}`;
  const form = h('form', { class: 'problem-form', dataset: { testid: 'problem-edit-form' }, novalidate: true },
    h('label', { class: 'field' }, h('span', {}, t('problems.department')),
      h('input', { name: 'department', list, maxlength: 100, value: p.department }), errorFor('department')),
    h('datalist', { id: list }, (meta.problem_departments || []).map((d) => h('option', { value: d }))),
    h('label', { class: 'field' }, h('span', {}, t('problems.action')), h('input', { name: 'action', maxlength: 2000, value: p.action || '' }), errorFor('action')),
    h('label', { class: 'field' }, h('span', {}, t('problems.deadline')),
      h('input', { name: 'deadline', type: 'date', value: p.deadline, dataset: { testid: 'problem-edit-deadline' } }), errorFor('deadline')),
    h('button', { type: 'submit', class: 'btn btn-small', dataset: { testid: 'problem-save' } }, t('problems.save')));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    for (const el of form.querySelectorAll('.field-error')) el.textContent = '';
    const data = Object.fromEntries(new FormData(form).entries());
    try {
      const saved = await problemsApi.update(p.id, { department: data.department, action: data.action || null, deadline: data.deadline || null });
      toast(t('problems.saved'), { kind: 'info', timeout: 3000 });
      onChange(saved);
    } catch (err) {
      const placed = (err.errors || []).filter((fe) => {
        const slot = form.querySelector(`[data-error-for="${CSS.escape(fe.field || '')}"]`);
        if (slot) slot.textContent = (err.detail || fe.message || '').split(' / ')[0];
        return Boolean(slot);
      });
      if (!placed.length) showError(err);
    }
  });
  return h('details', { class: 'problem-edit' }, h('summary', { dataset: { testid: 'problem-edit' } }, t('problems.edit')), form);
}

/** One problem: state, overdue, text, department, action, source, resolution, history; controls for planners. */
export function problemItem(meta, p, { user, withProject = false, onChange = () => {} } = {}) {
  const may = (permission) => Boolean(user && (user.permissions || []).includes(permission));
  const mayMove = may('coordinate_problems');
  // Reporters edit their own district's problems; the server says so too (403 elsewhere).
  const mayEdit = (q) => q.status !== 'resolved' && may('track_problems') && (mayMove || user.district === q.district);
  const el = h('li', { class: 'problem', dataset: { testid: 'problem', id: p.id, state: p.status, overdue: p.overdue ? '1' : '0' } });
  const render = (q) => fill(el,
    h('div', { class: 'problem-head' }, stateLine(meta, q),
      withProject && [' ', h('a', { href: `/#${new URLSearchParams({ project: q.project_id })}`, class: 'problem-project' }, q.project_name), ' ',
        h('span', { class: 'muted' }, q.district)]),
    h('p', { class: 'problem-text', dataset: { testid: 'problem-text' } }, q.description),
    h('dl', { class: 'kvs' },
      h('div', { class: 'kv' }, h('dt', {}, t('problems.department')), h('dd', {}, q.department)),
      q.action && h('div', { class: 'kv' }, h('dt', {}, t('problems.action')), h('dd', {}, q.action)),
      h('div', { class: 'kv' }, h('dt', {}, t('problems.deadline')), h('dd', {}, q.deadline))),
    h('p', { class: 'muted' }, q.source_month ? t('problems.source', { m: q.source_month }) : t('problems.free')),
    q.resolution && h('p', { class: 'problem-resolution', dataset: { testid: 'problem-resolution' } }, q.resolution),
    h('details', {}, h('summary', {}, t('problems.history')), historyList(meta, q)),
    mayEdit(q) && editForm(meta, q, (saved) => { render(saved); onChange(saved); }),
    mayMove && transitionControls(meta, q, (moved) => { render(moved); onChange(moved); }));
  render(p);
  return el;
}

function inAMonth() {
  const d = new Date(Date.now() + 30 * 86400e3);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

/** The form turning a report's 存在问题 into a tracked problem; onDone(problem) once it is stored. */
export function trackForm(meta, report, { onDone, onCancel }) {
  const list = `problem-departments-${report.id}`;
  const errorFor = (name) => h('small', { class: 'field-error', dataset: { errorFor: name } });
  const field = (key, control, name) => h('label', { class: 'field' }, h('span', {}, t(key)), control, errorFor(name));
  const form = h('form', { class: 'problem-form', dataset: { testid: 'problem-form' }, novalidate: true },
    field('problems.description', h('textarea', { name: 'description', rows: 2, maxlength: 2000 }, report.problems || ''), 'description'),
    field('problems.department', h('input', { name: 'department', list, maxlength: 100, required: true, dataset: { testid: 'problem-department' } }), 'department'),
    h('datalist', { id: list }, (meta.problem_departments || []).map((d) => h('option', { value: d }))),
    field('problems.action', h('input', { name: 'action', maxlength: 2000 }), 'action'),
    field('problems.deadline', h('input', { name: 'deadline', type: 'date', value: inAMonth(), required: true, dataset: { testid: 'problem-deadline' } }), 'deadline'),
    h('button', { type: 'submit', class: 'btn btn-small', dataset: { testid: 'problem-submit' } }, t('problems.submit')), ' ',
    h('button', { type: 'button', class: 'btn btn-small', onclick: onCancel }, t('problems.cancel')));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    for (const el of form.querySelectorAll('.field-error')) el.textContent = '';
    const data = Object.fromEntries(new FormData(form).entries());
    const submit = form.querySelector('[type=submit]');
    submit.disabled = true;
    try {
      const made = await problemsApi.create({ report_id: report.id, description: data.description || null, department: data.department,
        action: data.action || null, deadline: data.deadline || null });
      toast(t('problems.tracked'), { kind: 'info', timeout: 3000 });
      onDone(made);
    } catch (err) {
      const placed = (err.errors || []).filter((fe) => {
        const slot = form.querySelector(`[data-error-for="${CSS.escape(fe.field || '')}"]`);
        if (slot) slot.textContent = (fe.message || err.detail || '').split(' / ')[0];
        return Boolean(slot);
      });
      if (!placed.length) showError(err);
    } finally { submit.disabled = false; }
  });
  return form;
}
