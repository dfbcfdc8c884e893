// The workspace's register import: check an Excel/CSV register, see each row's problems with the hint (nearest
// name, the valid names, the district of a town), download the error report, write all rows or only the valid ones.
import { workspaceApi } from './api.js';
import { t, onLangChange } from './i18n.js';
import { toast, showError } from './toast.js';
import { h, fill } from './dom.js';

export function mountRegisterImport(root) {
  const $ = (sel) => root.querySelector(sel);
  const fileInput = $('[data-testid=reg-file]');
  const coords = $('[data-testid=reg-coords]');
  const crs = $('[data-testid=reg-crs]');
  const checkBtn = $('[data-testid=reg-check]');
  const reportBtn = $('[data-testid=reg-report]');
  const applyAll = $('[data-testid=reg-apply-all]');
  const applyValid = $('[data-testid=reg-apply-valid]');
  const status = $('[data-testid=reg-status]');
  const table = $('[data-testid=reg-errors]');
  let file = null;
  let last = null;

  const params = () => ({ coords: coords.value, crs: crs.value.trim() || null });

  function reset() {
    last = null;
    reportBtn.disabled = true;
    applyAll.disabled = true;
    applyValid.hidden = true;
  }

  function render() {
    if (!last) return;
    const s = last;
    const bad = s.rows - s.valid;
    root.dataset.rows = s.rows; root.dataset.valid = s.valid; root.dataset.errors = s.errors.length;
    fill(status, h('b', { dataset: { testid: 'reg-summary' } }, s.applied
      ? t('ws.reg.applied', s)
      : t('ws.reg.summary', { ...s, errors: s.errors.length })),
    !s.errors.length && !s.applied ? [' ', h('span', {}, t('ws.reg.ok'))] : null,
    s.ignored_columns && s.ignored_columns.length ? [' ', h('span', { class: 'muted' }, t('ws.reg.ignored', { cols: s.ignored_columns.join('、') }))] : null);
    fill(table, s.errors.length ? h('table', { class: 'admin-table' },
      h('thead', {}, h('tr', {}, ['row', 'column', 'value', 'message', 'hint'].map((k) => h('th', {}, t(`ws.reg.col.${k}`))))),
      h('tbody', {}, s.errors.map((e) => h('tr', { dataset: { testid: 'reg-error-row', row: e.row, column: e.column } },
        h('td', { class: 'num' }, e.row), h('td', {}, e.column), h('td', {}, e.value), h('td', {}, e.message),
        h('td', { class: 'reg-hint' }, e.suggestion))))) : null);
    reportBtn.disabled = !s.errors.length;
    applyAll.disabled = s.applied || s.errors.length > 0 || !s.valid;
    applyValid.hidden = s.applied || !s.errors.length || !s.valid;
    applyValid.textContent = t('ws.reg.applyValid', { n: s.valid });
    root.dataset.bad = bad;
  }

  async function check() {
    if (!file) { toast(t('ws.bnd.needFile')); return; }
    reset();
    root.dataset.state = 'loading';
    try {
      // allow_partial: the dry run counts what writing the valid rows would do, beside every row's problems
      last = await workspaceApi.importRegister(file, { ...params(), allow_partial: true, apply: false });
      render();
      root.dataset.state = 'checked';
    } catch (err) {
      fill(status, h('span', { class: 'field-error', dataset: { testid: 'reg-problem' } }, err.detail || err.message));
      fill(table);
      root.dataset.state = 'error';
    }
  }

  async function apply(partial) {
    if (!last) return;
    if (partial && !window.confirm(t('ws.reg.confirmValid', { bad: last.rows - last.valid, n: last.valid }))) return;
    applyAll.disabled = true;
    applyValid.disabled = true;
    root.dataset.state = 'loading';
    try {
      last = await workspaceApi.importRegister(file, { ...params(), allow_partial: partial, apply: true });
      render();
      toast(t('ws.reg.applied', last), { kind: 'info', timeout: 6000 });
      root.dataset.state = last.applied ? 'applied' : 'checked';
    } catch (err) {
      showError(err);
      root.dataset.state = 'error';
    }
    applyValid.disabled = false;
  }

  async function downloadReport() {
    try {
      const blob = await workspaceApi.registerReport(file, params());
      const url = URL.createObjectURL(blob);
      const a = h('a', { href: url, download: `${file.name.replace(/\.[^.]+$/, '')}-错误报告.xlsx` });
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10000);
    } catch (err) { showError(err); }
  }

  function pick(f) {
    file = f || null;
    $('[data-testid=reg-file-name]').textContent = file ? file.name : '';
    reset();
    fill(status);
    fill(table);
    if (file) check();
  }

  fileInput.addEventListener('change', () => pick(fileInput.files[0]));
  const drop = $('[data-testid=reg-drop]');
  drop.addEventListener('dragover', (e) => { e.preventDefault(); drop.classList.add('over'); });
  drop.addEventListener('dragleave', () => drop.classList.remove('over'));
  drop.addEventListener('drop', (e) => { e.preventDefault(); drop.classList.remove('over'); pick(e.dataTransfer.files[0]); });
  for (const el of [coords, crs]) el.addEventListener('change', () => { if (file) check(); });
  checkBtn.addEventListener('click', check);
  reportBtn.addEventListener('click', downloadReport);
  applyAll.addEventListener('click', () => apply(false));
  applyValid.addEventListener('click', () => apply(true));
  onLangChange(render);
  reset();
}
