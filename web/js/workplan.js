// The project card's 计划 section (定投资计划、定工作量清单、定项目分包责任人): the responsible leader and the next
// milestone always shown; opened, the monthly plan with its running sum against the year plan, the milestones and
// the leader, editable by planners (read-only for everyone else). A saved change emits `warroom:report-saved`, so the
// map reloads markers, summary and lights (an overdue milestone turns the light) and the card is drawn again.
import { api, workplanApi } from './api.js';
import { addMessages, t } from './i18n.js';
import { currentUser, userMay } from './auth.js';
import { toast, showError } from './toast.js';
import { h, fill } from './dom.js';

addMessages({
  zh: {
    'wp.title': '计划:投资计划、节点、分包责任人',
    'wp.leader': '分包责任人',
    'wp.leaderName': '姓名',
    'wp.leaderTitle': '职务',
    'wp.leaderUnit': '单位',
    'wp.leaderSave': '保存责任人',
    'wp.none': '未设置',
    'wp.next': '下一节点:{n}(计划 {d})',
    'wp.nextNone': '暂无待完成节点',
    'wp.late': '已逾期 {n} 天',
    'wp.onTime': '未到期',
    'wp.lateAtMonth': '截至所选月底节点逾期 {n} 天',
    'wp.plan': '{y} 年月度投资计划',
    'wp.month': '月份',
    'wp.investment': '计划投资(亿元)',
    'wp.progress': '计划形象进度(%)',
    'wp.sum': '合计 {s} 亿元 / 年度计划 {p} 亿元',
    'wp.diffMore': '多 {d} 亿元',
    'wp.diffLess': '少 {d} 亿元',
    'wp.diffOk': '与年度计划一致',
    'wp.spread': '按月平均分配',
    'wp.planSave': '保存月度计划',
    'wp.planSaved': '月度计划已保存',
    'wp.milestones': '节点清单',
    'wp.msName': '节点名称',
    'wp.msPlanned': '计划完成',
    'wp.msDone': '实际完成',
    'wp.msUnit': '责任单位',
    'wp.msEvidence': '佐证',
    'wp.msState': '状态',
    'wp.msAdd': '添加节点',
    'wp.msSave': '保存',
    'wp.msCancel': '取消',
    'wp.msEdit': '修改',
    'wp.msDoneNow': '标记完成',
    'wp.msDelete': '删除',
    'wp.msDeleteConfirm': '删除节点“{n}”?',
    'wp.msUpload': '上传佐证(PDF/Office)',
    'wp.msPhoto': '佐证照片',
    'wp.msNoPhoto': '(无)',
    'wp.photo': '照片 #{n}',
    'wp.msSaved': '节点已保存',
    'wp.msDeleted': '节点已删除',
    'wp.stateDone': '已完成',
    'wp.stateDoneLate': '已完成(晚 {n} 天)',
    'wp.empty': '尚无节点',
    'wp.leaderSaved': '分包责任人已保存',
    'wp.docSaved': '佐证材料已上传',
    'wp.readOnly': '仅规划人员可编辑',
  },
  en: {
    'wp.title': 'Work plan: monthly plan, milestones, leader',
    'wp.leader': 'Responsible leader',
    'wp.leaderName': 'Name',
    'wp.leaderTitle': 'Title',
    'wp.leaderUnit': 'Unit',
    'wp.leaderSave': 'Save leader',
    'wp.none': 'not set',
    'wp.next': 'Next milestone: {n} (planned {d})',
    'wp.nextNone': 'No open milestone',
    'wp.late': '{n} days overdue',
    'wp.onTime': 'not yet due',
    'wp.lateAtMonth': 'a milestone was {n} days overdue at the selected month\'s end',
    'wp.plan': 'Monthly plan {y}',
    'wp.month': 'Month',
    'wp.investment': 'Planned investment (CNY 100 m)',
    'wp.progress': 'Planned progress (%)',
    'wp.sum': 'Sum {s} / year plan {p}',
    'wp.diffMore': '{d} over',
    'wp.diffLess': '{d} short',
    'wp.diffOk': 'matches the year plan',
    'wp.spread': 'Spread evenly',
    'wp.planSave': 'Save monthly plan',
    'wp.planSaved': 'Monthly plan saved',
    'wp.milestones': 'Milestones',
    'wp.msName': 'Milestone',
    'wp.msPlanned': 'Planned',
    'wp.msDone': 'Done',
    'wp.msUnit': 'Responsible unit',
    'wp.msEvidence': 'Evidence',
    'wp.msState': 'State',
    'wp.msAdd': 'Add milestone',
    'wp.msSave': 'Save',
    'wp.msCancel': 'Cancel',
    'wp.msEdit': 'Edit',
    'wp.msDoneNow': 'Mark done',
    'wp.msDelete': 'Delete',
    'wp.msDeleteConfirm': 'Delete milestone "{n}"?',
    'wp.msUpload': 'Upload evidence (PDF/Office)',
    'wp.msPhoto': 'Evidence photo',
    'wp.msNoPhoto': '(none)',
    'wp.photo': 'photo #{n}',
    'wp.msSaved': 'Milestone saved',
    'wp.msDeleted': 'Milestone deleted',
    'wp.stateDone': 'done',
    'wp.stateDoneLate': 'done ({n} days late)',
    'wp.empty': 'No milestones yet',
    'wp.leaderSaved': 'Leader saved',
    'wp.docSaved': 'Evidence uploaded',
    'wp.readOnly': 'planners edit',
  },
});

const openProjects = new Set(); // cards whose 计划 section is open, kept open when the card is drawn again
let renders = 0; // body[data-workplan-renders]: how many times a section was filled (browser tests wait on it)

// Amounts in 亿元 with two decimals, added up in fen so 0.1 + 0.2 is 0.3.
const toFen = (v) => (v === '' || v == null ? 0 : Math.round(Number(v) * 100));
const fromFen = (f) => (f / 100).toFixed(2);
const today = () => {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
};

function changed() {
  window.dispatchEvent(new CustomEvent('warroom:report-saved'));
}

function fieldErrors(host, err) {
  fill(host, err.detail || err.message || String(err));
}

function nextLine(project, milestones) {
  const open = milestones.filter((m) => !m.done_date);
  const next = open[0];
  return [
    next
      ? [t('wp.next', { n: next.name, d: next.planned_date }), ' ',
        h('b', { class: next.overdue_days > 0 ? 'wp-late' : 'wp-ok', dataset: { testid: 'next-milestone-late', days: next.overdue_days } },
          next.overdue_days > 0 ? t('wp.late', { n: next.overdue_days }) : t('wp.onTime'))]
      : t('wp.nextNone'),
    project.milestone_overdue_days > 0 && [' · ', h('span', { class: 'wp-late' }, t('wp.lateAtMonth', { n: project.milestone_overdue_days }))],
  ];
}

function leaderText(p) {
  if (!p.leader_name) return t('wp.none');
  return [p.leader_name, p.leader_title && `(${p.leader_title})`, p.leader_unit && ` · ${p.leader_unit}`].filter(Boolean).join('');
}

export function mountWorkplan(card, project, meta) {
  const id = project.id;
  const next = h('p', { class: 'wp-next', dataset: { testid: 'next-milestone' } });
  const body = h('div', { class: 'wp-body' });
  const details = h('details', { class: 'workplan', dataset: { testid: 'workplan' }, open: openProjects.has(id) },
    h('summary', { dataset: { testid: 'workplan-toggle' } }, t('wp.title')), body);
  card.append(h('section', { class: 'wp-slot' },
    h('div', { class: 'kv' }, h('dt', {}, t('wp.leader')), h('dd', { dataset: { testid: 'project-leader' } }, leaderText(project))),
    next, details));

  let mayEdit = false;
  let photos = []; // the project's photos, offered as milestone evidence
  const ready = currentUser().then((user) => { mayEdit = userMay(meta, user, 'plan_projects'); });

  async function refreshNext() {
    try { fill(next, nextLine(project, await workplanApi.milestones(id))); } catch { /* the card stays usable */ }
  }
  refreshNext();

  // A section drawn open also fires 'toggle' (the open attribute was set): fill it once, not twice.
  let filled = false;
  const fillOnce = () => { if (!filled) { filled = true; render(); } };
  details.addEventListener('toggle', () => {
    if (details.open) { openProjects.add(id); fillOnce(); } else openProjects.delete(id);
  });
  if (details.open) fillOnce();

  async function render() {
    await ready;
    const year = meta.plan_year || new Date().getFullYear();
    let plan; let milestones;
    try { [plan, milestones] = await Promise.all([workplanApi.plan(id, year), workplanApi.milestones(id)]); } catch (err) { showError(err); return; }
    if (mayEdit) photos = await api.projectPhotos(id).then((r) => r.photos).catch(() => []);
    fill(body,
      !mayEdit && h('p', { class: 'muted' }, t('wp.readOnly')),
      planTable(plan),
      milestoneTable(milestones),
      mayEdit && leaderForm());
    document.body.dataset.workplanRenders = String(++renders);
  }

  // ---- the monthly plan ----
  function planTable(plan) {
    const rows = plan.months.map((m) => ({
      month: m.month,
      inv: h('input', { type: 'number', min: 0, step: '0.01', name: `inv-${m.month}`, value: m.planned_investment ?? '', disabled: !mayEdit, 'aria-label': `${m.month} ${t('wp.investment')}` }),
      prog: h('input', { type: 'number', min: 0, max: 100, step: '0.01', name: `prog-${m.month}`, value: m.planned_progress ?? '', disabled: !mayEdit, 'aria-label': `${m.month} ${t('wp.progress')}` }),
    }));
    const sum = h('p', { class: 'wp-sum', dataset: { testid: 'plan-sum' } });
    const error = h('p', { class: 'field-error', dataset: { testid: 'plan-error' } });
    const yearPlan = plan.year_plan == null ? null : toFen(plan.year_plan);
    const showSum = () => {
      const total = rows.reduce((s, r) => s + toFen(r.inv.value), 0);
      const diff = yearPlan == null ? 0 : total - yearPlan;
      sum.dataset.ok = String(diff === 0);
      fill(sum, t('wp.sum', { s: fromFen(total), p: yearPlan == null ? '—' : fromFen(yearPlan) }), ' · ',
        h('b', { class: diff === 0 ? 'wp-ok' : 'wp-late' },
          diff === 0 ? t('wp.diffOk') : t(diff > 0 ? 'wp.diffMore' : 'wp.diffLess', { d: fromFen(Math.abs(diff)) })));
    };
    rows.forEach((r) => r.inv.addEventListener('input', showSum));
    showSum();
    const spread = () => {
      if (yearPlan == null) return;
      const each = Math.floor(yearPlan / 12);
      rows.forEach((r, i) => { r.inv.value = fromFen(i === 11 ? yearPlan - each * 11 : each); });
      showSum();
    };
    const save = async () => {
      fill(error);
      const months = rows
        .filter((r) => r.inv.value !== '' || r.prog.value !== '')
        .map((r) => ({ month: r.month, planned_investment: r.inv.value === '' ? null : r.inv.value, planned_progress: r.prog.value === '' ? null : r.prog.value }));
      try {
        await workplanApi.putPlan(id, plan.year, months);
        toast(t('wp.planSaved'), { kind: 'info', timeout: 3000 });
        changed();
      } catch (err) { fieldErrors(error, err); }
    };
    return h('div', { class: 'wp-plan' },
      h('h3', {}, t('wp.plan', { y: plan.year })),
      h('table', { class: 'wp-table', dataset: { testid: 'plan-table' } },
        h('thead', {}, h('tr', {}, h('th', {}, t('wp.month')), h('th', {}, t('wp.investment')), h('th', {}, t('wp.progress')))),
        h('tbody', {}, rows.map((r) => h('tr', { dataset: { month: r.month } }, h('td', {}, r.month.slice(5)), h('td', {}, r.inv), h('td', {}, r.prog))))),
      sum,
      mayEdit && h('div', { class: 'wp-actions' },
        yearPlan != null && h('button', { type: 'button', class: 'btn btn-small', dataset: { testid: 'plan-spread' }, onclick: spread }, t('wp.spread')),
        h('button', { type: 'button', class: 'btn btn-small wp-primary', dataset: { testid: 'plan-save' }, onclick: save }, t('wp.planSave'))),
      error);
  }

  // ---- milestones ----
  function stateOf(m) {
    if (m.done_date) return m.late_days > 0 ? t('wp.stateDoneLate', { n: m.late_days }) : t('wp.stateDone');
    return m.overdue_days > 0 ? t('wp.late', { n: m.overdue_days }) : t('wp.onTime');
  }

  function milestoneForm(m, onDone) {
    const input = (name, type, value, label, attrs = {}) => h('label', { class: 'field' }, label,
      h('input', { name, type, value: value ?? '', ...attrs }));
    const error = h('p', { class: 'field-error', dataset: { testid: 'milestone-error' } });
    const form = h('form', { class: 'wp-ms-form', dataset: { testid: m ? 'milestone-edit-form' : 'milestone-add-form' } },
      input('name', 'text', m?.name, t('wp.msName'), { maxlength: 200, required: true }),
      input('planned_date', 'date', m?.planned_date, t('wp.msPlanned'), { required: true }),
      input('done_date', 'date', m?.done_date, t('wp.msDone'), { max: today() }),
      input('responsible_unit', 'text', m?.responsible_unit, t('wp.msUnit'), { maxlength: 200 }),
      h('label', { class: 'field' }, t('wp.msPhoto'),
        h('select', { name: 'evidence_photo_id' },
          h('option', { value: '' }, t('wp.msNoPhoto')),
          photos.map((p) => h('option', { value: p.id, selected: p.id === m?.evidence_photo_id },
            `#${p.id} ${p.month}${p.caption ? ` ${p.caption}` : ''}`)))),
      h('div', { class: 'wp-actions' },
        h('button', { type: 'submit', class: 'btn btn-small wp-primary', dataset: { testid: 'milestone-save' } }, m ? t('wp.msSave') : t('wp.msAdd')),
        m && h('button', { type: 'button', class: 'btn btn-small', onclick: onDone }, t('wp.msCancel'))),
      error);
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      const v = (name) => form.elements[name].value.trim();
      const body = {
        name: v('name'),
        planned_date: v('planned_date') || null,
        done_date: v('done_date') || null,
        responsible_unit: v('responsible_unit') || null,
        evidence_photo_id: v('evidence_photo_id') ? Number(v('evidence_photo_id')) : null,
      };
      try {
        if (m) await workplanApi.updateMilestone(id, m.id, body); else await workplanApi.addMilestone(id, body);
        toast(t('wp.msSaved'), { kind: 'info', timeout: 3000 });
        changed();
      } catch (err) { fieldErrors(error, err); }
    });
    return form;
  }

  function milestoneRow(m) {
    const row = h('tr', { dataset: { testid: 'milestone-row', id: m.id, overdue: m.overdue_days } });
    const act = async (fn, message) => {
      try { await fn(); toast(t(message), { kind: 'info', timeout: 3000 }); changed(); } catch (err) { showError(err); }
    };
    const upload = h('input', { type: 'file', accept: '.pdf,.doc,.docx,.xls,.xlsx,.ppt,.pptx', hidden: true, dataset: { testid: 'milestone-upload-input' } });
    upload.addEventListener('change', () => {
      const [file] = upload.files;
      if (file) act(() => workplanApi.attachDocument(id, m.id, file), 'wp.docSaved');
    });
    const evidence = [
      m.document && h('a', { href: workplanApi.documentUrl(id, m.id), download: m.document.name, dataset: { testid: 'milestone-document' } }, m.document.name),
      m.evidence_photo_id && [m.document && ' ', h('a', { href: workplanApi.photoUrl(m.evidence_photo_id), target: '_blank', rel: 'noopener', dataset: { testid: 'milestone-photo' } },
        t('wp.photo', { n: m.evidence_photo_id }))],
    ];
    fill(row,
      h('td', { dataset: { testid: 'milestone-name' } }, m.name, m.responsible_unit && h('div', { class: 'muted' }, m.responsible_unit)),
      h('td', { dataset: { testid: 'milestone-planned' } }, m.planned_date),
      h('td', {}, m.done_date || '—'),
      h('td', { class: m.overdue_days > 0 ? 'wp-late' : '', dataset: { testid: 'milestone-state' } }, stateOf(m)),
      h('td', {}, evidence),
      mayEdit && h('td', { class: 'wp-row-actions' },
        h('button', { type: 'button', class: 'btn btn-small', dataset: { testid: 'milestone-edit' },
          onclick: () => fill(row, h('td', { colspan: 6 }, milestoneForm(m, () => row.replaceWith(milestoneRow(m))))) }, t('wp.msEdit')),
        !m.done_date && h('button', { type: 'button', class: 'btn btn-small', dataset: { testid: 'milestone-done' },
          onclick: () => act(() => workplanApi.updateMilestone(id, m.id, { done_date: today() }), 'wp.msSaved') }, t('wp.msDoneNow')),
        h('button', { type: 'button', class: 'btn btn-small', dataset: { testid: 'milestone-upload' }, onclick: () => upload.click() }, t('wp.msUpload')),
        upload,
        h('button', { type: 'button', class: 'btn btn-small', dataset: { testid: 'milestone-delete' },
          onclick: () => { if (window.confirm(t('wp.msDeleteConfirm', { n: m.name }))) act(() => workplanApi.deleteMilestone(id, m.id), 'wp.msDeleted'); } }, t('wp.msDelete'))));
    return row;
  }

  function milestoneTable(milestones) {
    return h('div', { class: 'wp-milestones' },
      h('h3', {}, t('wp.milestones')),
      milestones.length
        ? h('table', { class: 'wp-table', dataset: { testid: 'milestone-table' } },
          h('thead', {}, h('tr', {}, [t('wp.msName'), t('wp.msPlanned'), t('wp.msDone'), t('wp.msState'), t('wp.msEvidence')].map((x) => h('th', {}, x)), mayEdit && h('th', {}))),
          h('tbody', {}, milestones.map(milestoneRow)))
        : h('p', { class: 'muted' }, t('wp.empty')),
      mayEdit && milestoneForm(null));
  }

  // ---- the leader ----
  function leaderForm() {
    const error = h('p', { class: 'field-error', dataset: { testid: 'leader-error' } });
    const input = (name, value, label) => h('label', { class: 'field' }, label, h('input', { name, type: 'text', value: value ?? '', maxlength: name === 'unit' ? 200 : 100 }));
    const form = h('form', { class: 'wp-leader', dataset: { testid: 'leader-form' } },
      h('h3', {}, t('wp.leader')),
      input('name', project.leader_name, t('wp.leaderName')),
      input('title', project.leader_title, t('wp.leaderTitle')),
      input('unit', project.leader_unit, t('wp.leaderUnit')),
      h('button', { type: 'submit', class: 'btn btn-small wp-primary', dataset: { testid: 'leader-save' } }, t('wp.leaderSave')),
      error);
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      const v = (name) => form.elements[name].value.trim() || null;
      try {
        await workplanApi.putLeader(id, { name: v('name'), title: v('title'), unit: v('unit') });
        toast(t('wp.leaderSaved'), { kind: 'info', timeout: 3000 });
        changed();
      } catch (err) { fieldErrors(error, err); }
    });
    return form;
  }
}

