// The key task register page: filters (source, category, lead department, district, status, light, search)
// mirrored in the URL hash, the list, and the task card of the chosen task (js/task-card.js).
import { api } from './api.js';
import { initI18n, setMeta, t, label, toggleLang, onLangChange } from './i18n.js';
import './i18n-progress.js';
import './i18n-tasks.js';
import { h, fill } from './dom.js';
import { showError } from './toast.js';
import { mountUserBox, currentUser, userMay } from './auth.js';
import { createTaskCard, lightBadge } from './task-card.js';
import { mountDepartments } from './departments.js';

const $ = (id) => document.getElementById(id);
const KEYS = ['source', 'category', 'department', 'district', 'status', 'light', 'q', 'pending'];
const SELECTS = ['source', 'category', 'department', 'district', 'status', 'light'];
let resolveReady;
const ready = new Promise((r) => { resolveReady = r; });
window.warroomTasks = { ready, openTask: null, rows: () => [] };

function readHash() {
  const qs = new URLSearchParams(location.hash.slice(1));
  return { filters: Object.fromEntries(KEYS.map((k) => [k, qs.get(k) || ''])), task: qs.get('task') || '' };
}

function writeHash(filters, task) {
  const qs = new URLSearchParams();
  for (const k of KEYS) if (filters[k]) qs.set(k, filters[k]);
  if (task) qs.set('task', task);
  history.replaceState(null, '', `#${qs}`);
}

async function boot() {
  initI18n();
  const [meta, initialDepartments] = await Promise.all([api.meta(), api.departments()]);
  let departments = initialDepartments;
  setMeta(meta);
  mountUserBox($('user-box'));
  $('lang-toggle').addEventListener('click', toggleLang);
  const state = readHash();
  const card = createTaskCard($('task-card'), meta, { onClose: () => open('') , onSaved: () => load() });
  let rows = [];
  let seq = 0;

  const selects = {
    source: () => (meta.task_sources || []).map((s) => [s.code, `${label(s)}(${s.count})`]),
    category: () => (meta.task_categories || []).map((c) => [c.code, label(c)]),
    department: () => departments.filter((d) => d.leads > 0).map((d) => [String(d.id), d.name]),
    district: () => (meta.districts || []).map((d) => [d.name, label(d)]),
    status: () => (meta.task_statuses || []).map((s) => [s.code, label(s)]),
    light: () => (meta.lights || []).map((l) => [l.code, label(l)]),
  };
  function fillSelects() {
    for (const [key, options] of Object.entries(selects)) {
      const el = $(`tf-${key}`);
      fill(el, h('option', { value: '' }, t('tasks.all')), options().map(([v, text]) => h('option', { value: v }, text)));
      el.value = state.filters[key] || '';
    }
    $('tf-q').value = state.filters.q || '';
    $('tf-pending').checked = state.filters.pending === 'true';
    $('task-light-rule').textContent = t('tasks.lightRule', { d: meta.task_at_risk_days });
  }
  fillSelects();

  const names = (group) => new Map((meta[group] || []).map((x) => [x.code, x]));
  function render() {
    const categories = names('task_categories');
    const statuses = names('task_statuses');
    $('task-count').textContent = t('tasks.count', { n: rows.length });
    $('task-count').dataset.value = String(rows.length);
    fill($('task-rows'), rows.length ? rows.map((x) => h('tr', {
      class: String(x.id) === state.task ? 'selected' : null,
      dataset: { testid: 'task-row', taskId: x.id, light: x.light, status: x.status, source: x.source },
      onclick: () => open(String(x.id)),
    },
    h('td', { class: 'mono' }, x.code),
    h('td', {}, h('a', { href: `#task=${x.id}`, onclick: (e) => { e.preventDefault(); open(String(x.id)); } }, x.title),
      x.demo ? h('span', { class: 'badge-demo' }, t('tasks.demo')) : null,
      x.pending ? h('span', { class: 'review-badge review-pending', dataset: { testid: 'task-pending' } }, t('tasks.pending')) : null),
    h('td', {}, label(categories.get(x.category))),
    h('td', {}, x.lead.name),
    h('td', { class: 'mono' }, x.deadline),
    h('td', {}, label(statuses.get(x.status))),
    h('td', {}, lightBadge(meta, x.light)),
    )) : h('tr', {}, h('td', { colspan: 7, class: 'muted' }, t('tasks.empty'))));
    document.title = t('tasks.title');
  }

  async function load() {
    const mine = ++seq;
    document.body.dataset.loading = '1';
    try {
      const answer = await api.tasks(Object.fromEntries(Object.entries(state.filters).filter(([, v]) => v)));
      if (mine !== seq) return;
      rows = answer.tasks;
      $('tasks-asof').textContent = t('tasks.asOf', { m: answer.month });
      $('tasks-asof').dataset.month = answer.month;
      render();
    } catch (e) { showError(e); } finally { if (mine === seq) delete document.body.dataset.loading; }
  }

  function open(id) {
    state.task = id;
    writeHash(state.filters, id);
    for (const tr of document.querySelectorAll('[data-testid="task-row"]')) tr.classList.toggle('selected', tr.dataset.taskId === id);
    return id ? card.show(id) : card.clear();
  }

  // Planners review: they may list only the tasks with a month awaiting review.
  if (userMay(meta, await currentUser(), 'review_reports')) $('tf-pending-field').hidden = false;
  $('tf-pending').addEventListener('change', (e) => {
    state.filters.pending = e.target.checked ? 'true' : '';
    writeHash(state.filters, state.task);
    load();
  });
  for (const key of SELECTS) {
    $(`tf-${key}`).addEventListener('change', (e) => { state.filters[key] = e.target.value; writeHash(state.filters, state.task); load(); });
  }
  let timer;
  $('tf-q').addEventListener('input', (e) => {
    clearTimeout(timer);
    timer = setTimeout(() => { state.filters.q = e.target.value.trim(); writeHash(state.filters, state.task); load(); }, 300);
  });
  $('task-filters').addEventListener('submit', (e) => e.preventDefault());
  $('tf-reset').addEventListener('click', () => {
    for (const k of KEYS) state.filters[k] = '';
    fillSelects();
    writeHash(state.filters, state.task);
    load();
  });
  const langButton = () => { $('lang-toggle').textContent = t('lang.switch'); };
  langButton();
  onLangChange(() => { langButton(); fillSelects(); render(); card.render(); });

  mountDepartments($('departments'), meta, {
    onChange: async () => { departments = await api.departments(); fillSelects(); await load(); },
  }).catch(showError);
  Object.assign(window.warroomTasks, { openTask: open, rows: () => rows, card });
  await load();
  if (state.task) await open(state.task);
}

boot().then(() => { document.body.dataset.ready = '1'; resolveReady(); }).catch((e) => {
  document.body.dataset.ready = 'error';
  showError(e);
  resolveReady();
});
