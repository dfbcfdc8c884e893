// The card's 历史 tab: every version of the project (who, when, what) with each change as 字段: 旧值 → 新值.
// Opened by itself when the page was reached from the audit log's link (/?history=ID&version=N#project=ID).
import { projectApi } from './api.js';
import { t, addMessages } from './i18n.js';
import { h, fill } from './dom.js';
import { showError } from './toast.js';

addMessages({
  zh: {
    'ph.tab': '历史', 'ph.close': '收起历史', 'ph.title': '变更历史', 'ph.version': '第 {v} 版',
    'ph.none': '尚无在浏览器中的变更记录(此前的信息来自台账导入或演示数据)', 'ph.empty': '(空)',
    'ph.earlier': '更早的信息来自台账导入或演示数据',
  },
  en: {
    'ph.tab': 'History', 'ph.close': 'Hide history', 'ph.title': 'Changes', 'ph.version': 'Version {v}',
    'ph.none': 'No changes recorded here yet (earlier data came from a register import or the demo data)', 'ph.empty': '(empty)',
    'ph.earlier': 'Earlier data came from a register import or the demo data',
  },
});

function when(iso) {
  return iso ? iso.slice(0, 16).replace('T', ' ') : '';
}

function versionItem(v, highlighted) {
  return h('li', { class: `ph-version${highlighted ? ' ph-highlight' : ''}`, dataset: { testid: 'history-version', version: v.version, action: v.action } },
    h('p', { class: 'ph-head' }, h('b', {}, t('ph.version', { v: v.version })), ` · ${v.action_name} · ${when(v.at)} · ${v.actor}`),
    v.note && h('p', { class: 'ph-note muted' }, v.note),
    h('table', { class: 'ph-changes' },
      h('tbody', {}, v.changes.map((c) => h('tr', { dataset: { testid: 'history-change', field: c.field } },
        h('th', { scope: 'row' }, c.label),
        h('td', {}, h('del', {}, c.before || t('ph.empty'))),
        h('td', { 'aria-hidden': 'true' }, '→'),
        h('td', {}, h('ins', {}, c.after || t('ph.empty'))))))));
}

/** A 历史 button (added to `buttons`) toggling the project's versions in `slot`. */
export function mountProjectHistory(slot, project, buttons) {
  const btn = h('button', { type: 'button', class: 'btn btn-small', 'aria-expanded': 'false', dataset: { testid: 'project-history-tab' } }, t('ph.tab'));
  const params = new URLSearchParams(location.search);
  const wanted = params.get('history') === String(project.id) ? Number(params.get('version')) || null : undefined;

  async function show() {
    btn.setAttribute('aria-expanded', 'true');
    btn.textContent = t('ph.close');
    let versions;
    try { versions = (await projectApi.history(project.id)).versions; } catch (err) { showError(err); return; }
    const earliest = versions[versions.length - 1];
    fill(slot, h('section', { class: 'ph', dataset: { testid: 'project-history' } },
      h('h3', {}, t('ph.title')),
      versions.length
        ? [h('ol', { class: 'ph-list' }, versions.map((v) => versionItem(v, v.version === wanted))),
          earliest.action !== 'create' && h('p', { class: 'muted' }, t('ph.earlier'))]
        : h('p', { class: 'muted' }, t('ph.none'))));
    slot.querySelector('.ph-highlight')?.scrollIntoView({ block: 'nearest' });
  }
  function hide() {
    btn.setAttribute('aria-expanded', 'false');
    btn.textContent = t('ph.tab');
    fill(slot);
  }
  btn.addEventListener('click', () => (btn.getAttribute('aria-expanded') === 'true' ? hide() : show()));
  if (buttons) buttons.append(btn);
  if (wanted !== undefined) show();
}
