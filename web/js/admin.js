// The admin page: accounts (create, disable/enable, reset password, see and revoke API tokens and sign-in sessions)
// and the audit log
// (filters by person, action and date; Excel export). Roles, districts and action names come from /api/meta.
import { api } from './api.js';
import { initI18n, setMeta, t, label, toggleLang, addMessages, onLangChange } from './i18n.js';
import { currentUser, mountUserBox, signInUrl } from './auth.js';
import { showError } from './toast.js';
import { h, fill } from './dom.js';
import { renderSessions } from './session-list.js';

addMessages({
  zh: {
    'admin.title': '用户与审计', 'admin.users': '用户', 'admin.username': '用户名', 'admin.displayName': '姓名',
    'admin.role': '角色', 'admin.district': '区市', 'admin.department': '部门', 'admin.state': '状态', 'admin.lastSignIn': '最近登录',
    'admin.create': '创建用户', 'admin.active': '启用', 'admin.inactive': '已停用', 'admin.disable': '停用',
    'admin.enable': '启用', 'admin.reset': '重置密码', 'admin.resetConfirm': '为 {u} 生成新密码？其当前登录将失效。',
    'admin.passwordOnce': '{u} 的密码（只显示这一次，请立即告知本人）：', 'admin.audit': '审计日志', 'admin.actor': '用户',
    'admin.action': '操作', 'admin.anyAction': '全部操作', 'admin.since': '从', 'admin.until': '到', 'admin.search': '查询',
    'admin.export': '导出 Excel', 'admin.when': '时间', 'admin.object': '对象', 'admin.change': '变更', 'admin.address': '地址',
    'admin.count': '共 {n} 条，显示最新 {m} 条', 'admin.denied': '此页面仅限管理员。', 'admin.signIn': '请先登录。',
    'admin.tokens': '令牌与登录', 'admin.tokensOf': '{u} 的 API 令牌', 'admin.close': '关闭',
    'admin.tokensNote': '令牌的密钥只在创建时显示一次，这里只列出名称和前缀。撤销后立即失效，不能恢复。',
    'admin.noTokens': '没有 API 令牌。', 'admin.tokenPrefix': '前缀', 'admin.tokenCreated': '创建于',
    'admin.tokenLive': '有效', 'admin.tokenRevoked': '已撤销于 {t}', 'admin.revoke': '撤销',
    'admin.revokeConfirm': '撤销 {u} 的令牌“{n}”（{p}…）？使用它的程序将立即无法访问，且不能恢复。',
    'admin.sessions': '登录会话', 'admin.sessionsNote': '结束一处登录后，该浏览器须重新登录。',
    'admin.endConfirm': '结束 {u} 在 {b} 的登录？',
  },
  en: {
    'admin.title': 'Users & audit', 'admin.users': 'Users', 'admin.username': 'Username', 'admin.displayName': 'Name',
    'admin.role': 'Role', 'admin.district': 'District', 'admin.department': 'Department', 'admin.state': 'State', 'admin.lastSignIn': 'Last sign-in',
    'admin.create': 'Create user', 'admin.active': 'active', 'admin.inactive': 'disabled', 'admin.disable': 'Disable',
    'admin.enable': 'Enable', 'admin.reset': 'Reset password', 'admin.resetConfirm': 'Give {u} a new password? Their sessions end.',
    'admin.passwordOnce': 'Password of {u} (shown this once: pass it on now):', 'admin.audit': 'Audit log', 'admin.actor': 'User',
    'admin.action': 'Action', 'admin.anyAction': 'All actions', 'admin.since': 'From', 'admin.until': 'To', 'admin.search': 'Search',
    'admin.export': 'Export Excel', 'admin.when': 'Time', 'admin.object': 'Object', 'admin.change': 'Change', 'admin.address': 'Address',
    'admin.count': '{n} entries, newest {m} shown', 'admin.denied': 'This page is for administrators.', 'admin.signIn': 'Please sign in first.',
    'admin.tokens': 'Tokens & sessions', 'admin.tokensOf': 'API tokens of {u}', 'admin.close': 'Close',
    'admin.tokensNote': 'A token\'s secret is shown once, when it is created: only names and prefixes are listed. Revoking is immediate and cannot be undone.',
    'admin.noTokens': 'No API tokens.', 'admin.tokenPrefix': 'Prefix', 'admin.tokenCreated': 'Created',
    'admin.tokenLive': 'active', 'admin.tokenRevoked': 'revoked {t}', 'admin.revoke': 'Revoke',
    'admin.revokeConfirm': 'Revoke token “{n}” ({p}…) of {u}? Programs using it lose access at once; this cannot be undone.',
    'admin.sessions': 'Sign-in sessions', 'admin.sessionsNote': 'A browser whose session is ended must sign in again.',
    'admin.endConfirm': 'End the sign-in of {u} on {b}?',
  },
});

const $ = (id) => document.getElementById(id);
let meta = null;
let users = [];
let audit = { entries: [], total: 0 };
let tokensOf = null; // the user whose tokens the panel shows (null: closed)
let tokens = [];
let sessions = [];

function fmtTime(iso) {
  return iso ? new Date(iso).toLocaleString(document.documentElement.lang === 'en' ? 'en-GB' : 'zh-CN', { hour12: false }) : '—';
}

function roleName(code) {
  const role = meta.roles.find((r) => r.code === code);
  return role ? label(role) : code;
}

function showPassword(username, password) {
  const box = $('password-once');
  fill(box, t('admin.passwordOnce', { u: username }), ' ', h('code', { dataset: { testid: 'new-password' } }, password));
  box.hidden = false;
}

function renderUsers() {
  fill($('users-body'), users.map((u) => h('tr', { class: u.active ? '' : 'inactive', dataset: { testid: 'user-row', username: u.username } },
    h('td', {}, u.username), h('td', {}, u.display_name), h('td', {}, roleName(u.role)), h('td', {}, u.district || u.department),
    h('td', {}, t(u.active ? 'admin.active' : 'admin.inactive')), h('td', {}, fmtTime(u.last_sign_in_at)),
    h('td', {}, h('button', { type: 'button', class: 'btn btn-small', dataset: { act: 'toggle', id: u.id } }, t(u.active ? 'admin.disable' : 'admin.enable')),
      ' ', h('button', { type: 'button', class: 'btn btn-small', dataset: { act: 'reset', id: u.id } }, t('admin.reset')),
      ' ', h('button', { type: 'button', class: 'btn btn-small', 'aria-controls': 'tokens-panel', 'aria-expanded': String(tokensOf === u.id),
        dataset: { act: 'tokens', id: u.id, testid: 'user-tokens' } }, t('admin.tokens'))))));
}

function renderTokens() {
  const panel = $('tokens-panel');
  const user = users.find((u) => u.id === tokensOf);
  panel.hidden = !user;
  if (!user) return;
  panel.dataset.userId = user.id;
  $('tokens-title').textContent = t('admin.tokensOf', { u: user.display_name && user.display_name !== user.username ? `${user.display_name} (${user.username})` : user.username });
  $('tokens-empty').hidden = tokens.length > 0;
  fill($('tokens-list'), tokens.map((tk) => h('li', {
    class: tk.revoked_at ? 'token-item revoked' : 'token-item',
    dataset: { testid: 'token-item', tokenId: tk.id, state: tk.revoked_at ? 'revoked' : 'active' },
  },
  h('div', { class: 'token-main' },
    h('span', { class: 'token-name', dataset: { testid: 'token-name' } }, tk.name),
    h('span', { class: 'token-meta' },
      h('span', {}, `${t('admin.tokenPrefix')} `, h('code', {}, `${tk.prefix}…`)),
      h('span', {}, `${t('admin.tokenCreated')} ${fmtTime(tk.created_at)}`),
      h('span', { class: 'token-state', dataset: { testid: 'token-state' } },
        tk.revoked_at ? t('admin.tokenRevoked', { t: fmtTime(tk.revoked_at) }) : t('admin.tokenLive')))),
  tk.revoked_at ? null : h('button', { type: 'button', class: 'btn btn-small btn-danger',
    dataset: { act: 'revoke-token', id: tk.id, testid: 'revoke-token' } }, t('admin.revoke')))));
}

async function endSession(one, button) {
  const user = users.find((u) => u.id === tokensOf);
  if (!user) return;
  const where = button.closest('li').querySelector('[data-testid=session-browser]').textContent;
  if (!window.confirm(t('admin.endConfirm', { u: user.username, b: where }))) return;
  button.disabled = true;
  try {
    await api.endUserSession(user.id, one.id);
    await Promise.all([loadTokens(), loadAudit()]);
  } catch (err) { button.disabled = false; showError(err); }
}

function renderUserSessions() {
  renderSessions($('user-sessions'), sessions, { onEnd: endSession, empty: $('user-sessions-empty') });
}

async function loadTokens() {
  const id = tokensOf;
  if (id == null) { tokens = []; sessions = []; renderTokens(); return; }
  const [answer, live] = await Promise.all([api.userTokens(id), api.userSessions(id)]);
  if (id !== tokensOf) return; // another user's panel was opened meanwhile
  tokens = answer.tokens;
  sessions = live.sessions;
  renderTokens();
  renderUserSessions();
}

async function openTokens(user) {
  tokensOf = tokensOf === user.id ? null : user.id;
  tokens = [];
  renderUsers();
  $('tokens-panel').hidden = true; // not another account's list while this one loads
  await loadTokens();
  if (tokensOf != null) $('tokens-panel').scrollIntoView({ block: 'nearest' });
}

function closeTokens() {
  tokensOf = null;
  tokens = [];
  renderUsers();
  renderTokens();
}

async function loadUsers() {
  users = (await api.users()).users;
  renderUsers();
}

function auditFilters() {
  const f = new FormData($('audit-form'));
  return Object.fromEntries([...f.entries()].filter(([, v]) => v));
}

/** The audit entry's object; a project change links to its version in the card's 历史 (issue 13). */
function objectCell(e) {
  const text = `${e.object_type} ${e.object_id}`;
  const link = e.after && typeof e.after.history === 'string' && e.after.history.startsWith('/?history=') ? e.after.history : null;
  return link ? h('a', { href: link, dataset: { testid: 'audit-history-link' } }, text) : text;
}

function renderAudit() {
  $('audit-count').textContent = t('admin.count', { n: audit.total, m: audit.entries.length });
  fill($('audit-body'), audit.entries.map((e) => {
    const change = [e.before && JSON.stringify(e.before), e.after && JSON.stringify(e.after)].filter(Boolean).join(' → ');
    const who = e.actor_display_name && e.actor_display_name !== e.actor_name ? `${e.actor_display_name} (${e.actor_name})` : e.actor_name;
    const action = document.documentElement.lang === 'en' ? e.action_name_en : e.action_name;
    return h('tr', { dataset: { testid: 'audit-row', action: e.action } },
      h('td', {}, fmtTime(e.at)), h('td', {}, who), h('td', { title: e.action }, action),
      h('td', {}, e.object_type ? objectCell(e) : ''), h('td', { class: 'summary' }, change), h('td', {}, e.address));
  }));
}

async function loadAudit() {
  const filters = auditFilters();
  $('audit-export').href = api.auditExportUrl(filters);
  audit = await api.audit({ ...filters, limit: 200 });
  renderAudit();
}

function fillSelects() {
  const roleSel = document.querySelector('[name=role]');
  fill(roleSel, meta.roles.map((r) => h('option', { value: r.code }, label(r))));
  const districtSel = document.querySelector('[name=district]');
  fill(districtSel, meta.districts.map((d) => h('option', { value: d.name }, label(d))));
  const actionSel = document.querySelector('[name=action]');
  const current = actionSel.value;
  fill(actionSel, h('option', { value: '' }, t('admin.anyAction')), meta.audit_actions.map((a) => h('option', { value: a.code }, label(a))));
  actionSel.value = current;
  // A department reporter (issue 14) names a department instead of a district.
  const departmentSel = document.querySelector('[name=department]');
  api.departments().then((ds) => fill(departmentSel, ds.filter((d) => d.active).map((d) => h('option', { value: d.name }, d.name)))).catch(showError);
  const syncDistrict = () => {
    const role = meta.roles.find((r) => r.code === roleSel.value);
    $('district-field').hidden = !role?.district_scoped;
    $('department-field').hidden = !role?.department_scoped;
  };
  roleSel.onchange = syncDistrict;
  syncDistrict();
}

/** The one-time password leaves the screen with the next action, so it is not left for the next passer-by. */
function clearPassword() {
  const box = $('password-once');
  box.hidden = true;
  box.replaceChildren();
}

function wire() {
  // Capturing, so it runs before the action's own handler (which may show a new password).
  for (const id of ['users-section', 'audit-section']) {
    $(id).addEventListener('click', (e) => { if (e.target.closest('button, a')) clearPassword(); }, true);
    $(id).addEventListener('submit', clearPassword, true);
  }
  $('user-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    const form = e.target;
    const role = form.role.value;
    const scoped = meta.roles.find((r) => r.code === role)?.district_scoped;
    const inDepartment = meta.roles.find((r) => r.code === role)?.department_scoped;
    try {
      const made = await api.createUser({ username: form.username.value.trim(), display_name: form.display_name.value.trim() || null,
        role, district: scoped ? form.district.value : null, department: inDepartment ? form.department.value : null });
      showPassword(made.user.username, made.password);
      form.reset();
      fillSelects();
      await Promise.all([loadUsers(), loadAudit()]);
    } catch (err) { showError(err); }
  });
  $('users-body').addEventListener('click', async (e) => {
    const b = e.target.closest('button[data-act]');
    if (!b) return;
    const user = users.find((u) => String(u.id) === b.dataset.id);
    try {
      if (b.dataset.act === 'toggle') await api.updateUser(user.id, { active: !user.active });
      if (b.dataset.act === 'reset') {
        if (!window.confirm(t('admin.resetConfirm', { u: user.username }))) return;
        const r = await api.resetPassword(user.id);
        showPassword(r.user.username, r.password);
      }
      if (b.dataset.act === 'tokens') { await openTokens(user); return; }
      // Disabling an account or resetting its password revokes its tokens: the open panel shows that too.
      await Promise.all([loadUsers(), loadAudit(), loadTokens()]);
    } catch (err) { showError(err); }
  });
  $('tokens-list').addEventListener('click', async (e) => {
    const b = e.target.closest('button[data-act=revoke-token]');
    if (!b) return;
    const user = users.find((u) => u.id === tokensOf);
    const token = tokens.find((tk) => String(tk.id) === b.dataset.id);
    if (!user || !token) return;
    if (!window.confirm(t('admin.revokeConfirm', { u: user.username, n: token.name, p: token.prefix }))) return;
    b.disabled = true;
    try {
      await api.revokeUserToken(user.id, token.id);
      await Promise.all([loadTokens(), loadAudit()]);
    } catch (err) { b.disabled = false; showError(err); }
  });
  $('tokens-close').addEventListener('click', closeTokens);
  $('audit-form').addEventListener('submit', (e) => { e.preventDefault(); loadAudit().catch(showError); });
}

async function boot() {
  initI18n();
  const lang = $('lang-toggle');
  const langLabel = () => { lang.textContent = t('lang.switch'); document.title = `${t('admin.title')} · ${t('app.title')}`; };
  langLabel();
  lang.addEventListener('click', () => toggleLang());
  mountUserBox($('user-box'));
  const user = await currentUser();
  if (!user || !user.permissions.includes('manage_users')) {
    const denied = $('admin-denied');
    fill(denied, user ? t('admin.denied') : [t('admin.signIn'), ' ', h('a', { href: signInUrl() }, t('auth.signIn'))]);
    denied.hidden = false;
    document.body.dataset.ready = '1';
    return;
  }
  meta = await api.meta();
  setMeta(meta);
  fillSelects();
  wire();
  $('users-section').hidden = false;
  $('audit-section').hidden = false;
  await Promise.all([loadUsers(), loadAudit()]);
  onLangChange(() => { langLabel(); fillSelects(); renderUsers(); renderAudit(); renderTokens(); renderUserSessions(); });
  document.body.dataset.ready = '1';
}

boot().catch((err) => { document.body.dataset.ready = 'error'; showError(err); });
