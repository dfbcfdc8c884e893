// The problems page (问题清单): every tracked problem, filtered by district, state and overdue, with the open and
// overdue counts per district; planners move a problem on (协调中) and close it (销号) with a note.
// #project=ID narrows the list to one project (the card's 问题清单 link).
import { api, problemsApi } from './api.js';
import { initI18n, setMeta, t, label, nameOf, toggleLang, onLangChange, applyI18n } from './i18n.js';
import './i18n-progress.js';
import { mountUserBox, currentUser } from './auth.js';
import { showError } from './toast.js';
import { h, fill } from './dom.js';
import { problemItem, stateLabel } from './problems-common.js';

const $ = (id) => document.getElementById(id);
let meta = null;
let user = null;
let listed = null;

const opt = (value, text) => h('option', { value }, text);

function params() {
  const project = new URLSearchParams(location.hash.slice(1)).get('project');
  return {
    district: $('problems-district').value,
    status: $('problems-status').value,
    overdue: $('problems-overdue').checked ? 'true' : '',
    project: project && /^\d+$/.test(project) ? project : '',
  };
}

function fillSelects() {
  const d = $('problems-district').value;
  const s = $('problems-status').value;
  fill($('problems-district'), opt('', t('filters.city')), (meta.districts || []).map((x) => opt(x.name, label(x))));
  fill($('problems-status'), opt('', t('problems.all')), (meta.problem_states || []).map((x) => opt(x.code, stateLabel(meta, x.code))));
  $('problems-district').value = d;
  $('problems-status').value = s;
}

function render() {
  $('lang-toggle').textContent = t('lang.switch');
  applyI18n();
  fillSelects();
  if (!listed) return;
  $('problems-asof').textContent = `${t('problems.asOf', { d: listed.as_of })} · ${t('problems.open')} ${listed.open} · ${t('problems.overdue')} ${listed.overdue}`;
  fill($('problems-districts'), h('table', { class: 'admin-table' },
    h('thead', {}, h('tr', {}, h('th', {}, t('problems.byDistrict')), h('th', {}, t('problems.open')), h('th', {}, t('problems.overdue')))),
    h('tbody', {}, listed.by_district.map((r) => h('tr', { dataset: { testid: 'problems-district-row', district: r.district } },
      h('td', {}, nameOf(r.district)), h('td', { class: 'num' }, String(r.open)),
      h('td', { class: r.overdue ? 'num problem-overdue' : 'num' }, String(r.overdue)))))));
  fill($('problems'), listed.problems.length
    ? listed.problems.map((p) => problemItem(meta, p, { user, withProject: true, onChange: load }))
    : h('li', { class: 'muted' }, t('problems.none')));
}

async function load() {
  document.body.dataset.ready = '0';
  try { listed = await problemsApi.list(params()); render(); } catch (err) { showError(err); }
  document.body.dataset.ready = '1';
}

async function boot() {
  initI18n();
  [meta, user] = await Promise.all([api.meta(), currentUser()]);
  setMeta(meta);
  mountUserBox($('user-box'));
  fillSelects();
  for (const id of ['problems-district', 'problems-status', 'problems-overdue']) $(id).addEventListener('change', load);
  $('lang-toggle').addEventListener('click', () => toggleLang());
  window.addEventListener('hashchange', load);
  onLangChange(render);
  await load();
}

boot().catch((err) => { document.body.dataset.ready = 'error'; showError(err); });
