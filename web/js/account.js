// 我的账户: change my password, my API tokens (create with a purpose, see created and last use, revoke) and my
// sign-in sessions (see where I am signed in, sign out one or every other). Each secret is shown once.
import { api } from './api.js';
import { initI18n, t, toggleLang, addMessages, onLangChange } from './i18n.js';
import { currentUser, mountUserBox, signInUrl } from './auth.js';
import { toast, showError } from './toast.js';
import { h, fill } from './dom.js';
import { fmtTime, renderSessions } from './session-list.js';

addMessages({
  zh: {
    'account.title': '我的账户', 'account.password': '修改密码',
    'account.passwordNote': '修改后，您在其他电脑上的登录和所有 API 令牌都将失效；本浏览器保持登录。',
    'account.current': '当前密码', 'account.new': '新密码（至少 10 位）', 'account.repeat': '再次输入新密码', 'account.change': '修改密码',
    'account.mismatch': '两次输入的新密码不一致。', 'account.changed': '密码已修改。其他登录和 API 令牌已失效。',
    'account.tokens': '我的 API 令牌', 'account.tokenName': '用途', 'account.tokenPlaceholder': '如：照片批量上传脚本',
    'account.tokensNote': '供脚本和其他系统以您的身份访问接口（Authorization: Bearer 令牌）。令牌只在创建时显示一次。',
    'account.createToken': '创建令牌', 'account.tokenOnce': '令牌“{n}”（只显示这一次，请立即复制保存）：',
    'account.lastUsed': '最近使用 {t}（{a}）', 'account.neverUsed': '从未使用',
    'account.revokeConfirm': '撤销令牌“{n}”（{p}…）？使用它的程序将立即无法访问，且不能恢复。', 'account.revoked': '令牌“{n}”已撤销',
    'account.sessions': '我的登录', 'account.signOutOthers': '退出其他所有登录',
    'account.signOutOthersConfirm': '退出除本浏览器以外的所有登录？', 'account.ended': '已退出 {n} 处登录',
    'account.endConfirm': '退出这处登录（{b}）？', 'account.signIn': '请先登录后管理您的账户。',
    'account.noTokens': '没有 API 令牌。', 'account.tokenPrefix': '前缀', 'account.tokenCreated': '创建于',
    'account.tokenLive': '有效', 'account.tokenRevoked': '已撤销于 {t}', 'account.revoke': '撤销',
  },
  en: {
    'account.title': 'My account', 'account.password': 'Change password',
    'account.passwordNote': 'Afterwards your sign-ins on other computers and all your API tokens stop working; this browser stays signed in.',
    'account.current': 'Current password', 'account.new': 'New password (10+ characters)', 'account.repeat': 'New password again', 'account.change': 'Change password',
    'account.mismatch': 'The two new passwords differ.', 'account.changed': 'Password changed. Other sign-ins and API tokens have ended.',
    'account.tokens': 'My API tokens', 'account.tokenName': 'Purpose', 'account.tokenPlaceholder': 'e.g. photo upload script',
    'account.tokensNote': 'For scripts and other systems acting as you (Authorization: Bearer token). A token is shown once, when created.',
    'account.createToken': 'Create token', 'account.tokenOnce': 'Token “{n}” (shown this once: copy it now):',
    'account.lastUsed': 'last used {t} ({a})', 'account.neverUsed': 'never used',
    'account.revokeConfirm': 'Revoke token “{n}” ({p}…)? Programs using it lose access at once; this cannot be undone.', 'account.revoked': 'Token “{n}” revoked',
    'account.sessions': 'My sign-ins', 'account.signOutOthers': 'Sign out everywhere else',
    'account.signOutOthersConfirm': 'Sign out every session but this browser?', 'account.ended': '{n} sign-in(s) ended',
    'account.endConfirm': 'Sign out this session ({b})?', 'account.signIn': 'Sign in to manage your account.',
    'account.noTokens': 'No API tokens.', 'account.tokenPrefix': 'Prefix', 'account.tokenCreated': 'Created',
    'account.tokenLive': 'active', 'account.tokenRevoked': 'revoked {t}', 'account.revoke': 'Revoke',
  },
});

const $ = (id) => document.getElementById(id);
let tokens = [];
let sessions = [];

/** A one-time secret disappears with the next action on the page. */
function clearOnce() {
  const box = $('token-once');
  box.hidden = true;
  box.replaceChildren();
}

function renderTokens() {
  $('my-tokens-empty').hidden = tokens.length > 0;
  fill($('my-tokens'), tokens.map((tk) => h('li', {
    class: tk.revoked_at ? 'token-item revoked' : 'token-item',
    dataset: { testid: 'my-token', tokenId: tk.id, state: tk.revoked_at ? 'revoked' : 'active' },
  },
  h('div', { class: 'token-main' },
    h('span', { class: 'token-name', dataset: { testid: 'token-name' } }, tk.name),
    h('span', { class: 'token-meta' },
      h('span', {}, `${t('account.tokenPrefix')} `, h('code', {}, `${tk.prefix}…`)),
      h('span', {}, `${t('account.tokenCreated')} ${fmtTime(tk.created_at)}`),
      h('span', { dataset: { testid: 'token-last-used' } },
        tk.last_used_at ? t('account.lastUsed', { t: fmtTime(tk.last_used_at), a: tk.last_used_address || '—' }) : t('account.neverUsed')),
      h('span', { class: 'token-state', dataset: { testid: 'token-state' } },
        tk.revoked_at ? t('account.tokenRevoked', { t: fmtTime(tk.revoked_at) }) : t('account.tokenLive')))),
  tk.revoked_at ? null : h('button', { type: 'button', class: 'btn btn-small btn-danger', dataset: { testid: 'revoke-my-token' },
    onclick: (e) => revoke(tk, e.currentTarget) }, t('account.revoke')))));
}

async function revoke(token, button) {
  clearOnce();
  if (!window.confirm(t('account.revokeConfirm', { n: token.name, p: token.prefix }))) return;
  button.disabled = true;
  try {
    await api.revokeToken(token.id);
    toast(t('account.revoked', { n: token.name }), { kind: 'info', timeout: 3000 });
    await loadTokens();
  } catch (err) { button.disabled = false; showError(err); }
}

async function endOne(one, button) {
  clearOnce();
  if (!window.confirm(t('account.endConfirm', { b: button.closest('li').querySelector('[data-testid=session-browser]').textContent }))) return;
  button.disabled = true;
  try {
    await api.endSession(one.id);
    await loadSessions();
  } catch (err) { button.disabled = false; showError(err); }
}

function drawSessions() {
  renderSessions($('my-sessions'), sessions, { onEnd: endOne, empty: $('my-sessions-empty') });
  $('sign-out-others').disabled = !sessions.some((s) => !s.current);
}

async function loadTokens() { tokens = (await api.myTokens()).tokens; renderTokens(); }
async function loadSessions() { sessions = (await api.mySessions()).sessions; drawSessions(); }

function showResult(kind, text) {
  const box = $('password-result');
  box.className = kind === 'ok' ? 'form-ok' : 'form-error';
  box.dataset.state = kind;
  box.textContent = text;
  box.hidden = false;
}

function wire() {
  $('password-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    clearOnce();
    const form = e.target;
    if (form.new.value !== form.repeat.value) { showResult('error', t('account.mismatch')); return; }
    const button = form.querySelector('[type=submit]');
    button.disabled = true;
    try {
      // The server sets a new session cookie and CSRF cookie for this browser: nothing to keep here.
      await api.changePassword(form.current.value, form.new.value);
      form.reset();
      showResult('ok', t('account.changed'));
      await Promise.all([loadTokens(), loadSessions()]);
    } catch (err) {
      showResult('error', err.detail || err.message);
    } finally { button.disabled = false; }
  });
  $('token-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    clearOnce();
    const form = e.target;
    try {
      const made = await api.createToken(form.name.value.trim());
      form.reset();
      fill($('token-once'), t('account.tokenOnce', { n: made.name }), ' ', h('code', { dataset: { testid: 'new-token' } }, made.token));
      $('token-once').hidden = false;
      await loadTokens();
    } catch (err) { showError(err); }
  });
  $('sign-out-others').addEventListener('click', async () => {
    clearOnce();
    if (!window.confirm(t('account.signOutOthersConfirm'))) return;
    try {
      const ended = (await api.signOutOthers()).sessions;
      toast(t('account.ended', { n: ended.length }), { kind: 'info', timeout: 3000 });
      await loadSessions();
    } catch (err) { showError(err); }
  });
}

async function boot() {
  initI18n();
  const lang = $('lang-toggle');
  const langLabel = () => { lang.textContent = t('lang.switch'); document.title = `${t('account.title')} · ${t('app.title')}`; };
  langLabel();
  lang.addEventListener('click', () => toggleLang());
  mountUserBox($('user-box'));
  const user = await currentUser();
  if (!user) {
    fill($('account-signin'), t('account.signIn'), ' ', h('a', { href: signInUrl(), dataset: { testid: 'account-sign-in' } }, t('auth.signIn')));
    $('account-signin').hidden = false;
    document.body.dataset.ready = '1';
    return;
  }
  wire();
  for (const id of ['password-section', 'tokens-section', 'sessions-section']) $(id).hidden = false;
  await Promise.all([loadTokens(), loadSessions()]);
  onLangChange(() => { langLabel(); renderTokens(); drawSessions(); });
  document.body.dataset.ready = '1';
}

boot().catch((err) => { document.body.dataset.ready = 'error'; showError(err); });
