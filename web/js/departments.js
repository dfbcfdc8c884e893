// The departments list on the task register page (部门名录): every department with its former name and how many
// tasks it leads; a planner adds one or renames one (the old name becomes its alias), each change audited.
import { api } from './api.js';
import { t, addMessages } from './i18n.js';
import { h, fill } from './dom.js';
import { showError } from './toast.js';
import { currentUser, userMay } from './auth.js';

addMessages({
  zh: {
    'dept.title': '部门名录', 'dept.code': '代码', 'dept.name': '名称', 'dept.alias': '曾用名', 'dept.leads': '牵头',
    'dept.cooperates': '配合', 'dept.rename': '改名', 'dept.add': '新增部门', 'dept.saved': '已保存',
  },
  en: {
    'dept.title': 'Departments', 'dept.code': 'Code', 'dept.name': 'Name', 'dept.alias': 'Former name', 'dept.leads': 'Leads',
    'dept.cooperates': 'Cooperates', 'dept.rename': 'Rename', 'dept.add': 'Add a department', 'dept.saved': 'Saved',
  },
});

/** Draw the departments in `host` (a <details>); onChange() after an edit, so the filters can reload. */
export async function mountDepartments(host, meta, { onChange = () => {} } = {}) {
  const user = await currentUser();
  const editor = userMay(meta, user, 'edit_departments');
  async function draw() {
    const departments = await api.departments();
    const rows = departments.map((d) => {
      const name = h('input', { value: d.name, maxlength: 64, 'aria-label': t('dept.name'), dataset: { testid: 'dept-name' } });
      const save = async () => {
        try { await api.updateDepartment(d.id, { name: name.value }); await draw(); onChange(); } catch (err) { showError(err); }
      };
      return h('tr', { dataset: { testid: 'dept-row', code: d.code } },
        h('td', { class: 'mono' }, d.code),
        h('td', {}, editor ? [name, h('button', { type: 'button', class: 'btn btn-small', onclick: save, dataset: { testid: 'dept-save' } }, t('dept.rename'))] : d.name),
        h('td', {}, d.alias || ''), h('td', { class: 'mono' }, String(d.leads)), h('td', { class: 'mono' }, String(d.cooperates)));
    });
    const code = h('input', { maxlength: 16, placeholder: t('dept.code'), required: true, dataset: { testid: 'dept-new-code' } });
    const name = h('input', { maxlength: 64, placeholder: t('dept.name'), required: true, dataset: { testid: 'dept-new-name' } });
    const add = h('form', { class: 'dept-add' }, code, name, h('button', { type: 'submit', class: 'btn btn-small' }, t('dept.add')));
    add.addEventListener('submit', async (e) => {
      e.preventDefault();
      try { await api.createDepartment({ code: code.value, name: name.value }); await draw(); onChange(); } catch (err) { showError(err); }
    });
    fill(host, h('summary', {}, `${t('dept.title')}(${departments.length})`),
      h('table', { class: 'task-reports' },
        h('thead', {}, h('tr', {}, ['dept.code', 'dept.name', 'dept.alias', 'dept.leads', 'dept.cooperates'].map((k) => h('th', {}, t(k))))),
        h('tbody', {}, rows)),
      editor ? add : null);
  }
  await draw();
  return { draw };
}
