// Who is signed in: the user box in the header (name, role, admin link, sign out),
// and the sign-in offer when the server answers 401 (api.js raises 'warroom:unauthorized').
import { api } from './api.js';
import { t, addMessages, onLangChange } from './i18n.js';
import { showError } from './toast.js';

addMessages({
  zh: {
    'auth.signIn': '登录',
    'auth.signOut': '退出',
    'auth.admin': '用户与审计',
    'auth.review': '审核与关账',
    'auth.workspace': '导入导出',
    'auth.problems': '问题清单',
    'auth.needSignIn': '此操作需要登录。',
    'auth.signInToUpload': '登录后可上传现场照片。',
    'auth.otherDistrict': '您只能为{d}的项目上传照片。',
    'auth.userLabel': '当前用户',
    'auth.backToMap': '← 返回地图',
    'auth.account': '我的账户',
  },
  en: {
    'auth.signIn': 'Sign in',
    'auth.signOut': 'Sign out',
    'auth.admin': 'Users & audit',
    'auth.review': 'Review & close',
    'auth.workspace': 'Import & export',
    'auth.problems': 'Problems',
    'auth.needSignIn': 'This needs you to sign in.',
    'auth.signInToUpload': 'Sign in to upload site photos.',
    'auth.otherDistrict': 'You may upload photos for projects of {d} only.',
    'auth.userLabel': 'Signed in as',
    'auth.backToMap': '← Back to the map',
    'auth.account': 'My account',
  },
});

let mePromise = null;

/** The signed-in account (or null), asked once per page. */
export function currentUser() {
  // A 401 is an answer (nobody is signed in); a dropped connection is not, so the next caller asks again.
  mePromise ||= api.me().then((r) => r.user).catch((err) => {
    if (!err || err.status !== 401) mePromise = null;
    return null;
  });
  return mePromise;
}

/** Whether `user` holds `permission` (roles and their least role from /api/meta). */
export function userMay(meta, user, permission) {
  const rule = (meta.permissions || []).find((p) => p.permission === permission);
  const rank = (code) => (meta.roles || []).find((r) => r.code === code)?.rank ?? Infinity;
  return Boolean(user && rule && rule.min_role && rank(user.role) >= rank(rule.min_role));
}

/** The login page, coming back here afterwards. */
export function signInUrl() {
  return `/login.html?next=${encodeURIComponent(location.pathname + location.search + location.hash)}`;
}

function link(href, text, testid) {
  const a = document.createElement('a');
  a.href = href;
  a.className = 'btn';
  a.textContent = text;
  a.dataset.testid = testid;
  return a;
}

/** Fill the header's user box and keep it in the current language. */
export function mountUserBox(host) {
  if (!host) return;
  async function render() {
    const user = await currentUser();
    // A link to a tool the account may not use is not offered (a visitor keeps it: the tool offers sign-in).
    for (const el of document.querySelectorAll('[data-needs]')) el.hidden = Boolean(user) && !user.permissions.includes(el.dataset.needs);
    host.replaceChildren();
    if (!user) {
      host.append(link(signInUrl(), t('auth.signIn'), 'sign-in-link'));
      return;
    }
    const who = document.createElement('span');
    who.className = 'user-name';
    who.dataset.testid = 'current-user';
    const role = document.documentElement.lang === 'en' ? user.role_name_en : user.role_name;
    const detail = ` · ${role}${user.district ? ` · ${user.district}` : ''}`;
    who.title = `${t('auth.userLabel')}: ${user.display_name}${detail} (${user.username})`;
    const name = document.createElement('a');
    name.href = '/account.html'; // on a phone, whose header has no room for the 我的账户 button
    name.className = 'user-account';
    const bold = document.createElement('b');
    bold.textContent = user.display_name;
    name.append(bold);
    const more = document.createElement('span');
    more.className = 'user-role';
    more.textContent = detail;
    who.append(name, more);
    host.append(who);
    if (user.permissions.includes('own_account')) host.append(link('/account.html', t('auth.account'), 'account-link'));
    if (user.permissions.includes('review_reports')) host.append(link('/review.html', t('auth.review'), 'review-link'));
    if (user.permissions.includes('import_data')) host.append(link('/workspace.html', t('auth.workspace'), 'workspace-link'));
    if (user.permissions.includes('track_problems')) host.append(link('/problems.html', t('auth.problems'), 'problems-link'));
    if (user.permissions.includes('manage_users')) host.append(link('/admin.html', t('auth.admin'), 'admin-link'));
    const out = document.createElement('button');
    out.type = 'button';
    out.className = 'btn';
    out.dataset.testid = 'sign-out';
    out.textContent = t('auth.signOut');
    out.addEventListener('click', async () => {
      try { await api.logout(); } catch (err) { showError(err); return; }
      navigator.serviceWorker?.controller?.postMessage({ type: 'signed-out' }); // issue 16: no kept API answers outlive the session
      location.reload();
    });
    host.append(out);
  }
  render();
  onLangChange(render);
}

function offerSignIn() {
  if (document.body.dataset.ready !== '1') { location.assign(signInUrl()); return; } // nothing to show without an account
  if (document.getElementById('auth-prompt')) return;
  const host = document.getElementById('toasts') || document.body;
  const box = document.createElement('div');
  box.id = 'auth-prompt';
  box.className = 'toast toast-error';
  box.setAttribute('role', 'alert');
  box.dataset.testid = 'auth-prompt';
  box.append(document.createTextNode(`${t('auth.needSignIn')} `), link(signInUrl(), t('auth.signIn'), 'auth-prompt-link'));
  host.append(box);
}

window.addEventListener('warroom:unauthorized', offerSignIn);
