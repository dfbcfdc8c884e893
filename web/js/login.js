// The sign-in page: username and password, then back to where the visitor came from.
import { api } from './api.js';
import { initI18n, t, toggleLang, addMessages, onLangChange, getLang } from './i18n.js';
import { h, fill } from './dom.js';

addMessages({
  zh: {
    'login.title': '登录', 'login.username': '用户名', 'login.password': '密码', 'login.submit': '登录',
    'login.backToMap': '← 返回地图', 'login.missing': '请输入用户名和密码。', 'login.busy': '正在登录…',
    'login.fileReady': '已登录，文件开始下载。', 'login.fileAgain': '重新下载', 'login.back': '← 返回上一页',
  },
  en: {
    'login.title': 'Sign in', 'login.username': 'Username', 'login.password': 'Password', 'login.submit': 'Sign in',
    'login.backToMap': '← Back to the map', 'login.missing': 'Enter your username and password.', 'login.busy': 'Signing in…',
    'login.fileReady': 'Signed in; the file is downloading.', 'login.fileAgain': 'Download again', 'login.back': '← Back',
  },
});

/** Only a path on this site: never send the visitor elsewhere after signing in. */
function nextPath() {
  const next = new URLSearchParams(location.search).get('next') || '/';
  return next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/\\') ? next : '/';
}

/** The page the visitor was on before the sign-in page, when it is one of ours (the file link's page). */
function cameFrom() {
  try {
    const ref = new URL(document.referrer);
    if (ref.origin === location.origin && ref.pathname !== '/login.html') return ref.pathname + ref.search + ref.hash;
  } catch { /* no referrer */ }
  return '/';
}

/** A file link (a bulletin, an export) downloads without leaving this page: say so, and offer the way back. */
function fileDownloaded(form, next) {
  fill(form,
    h('h2', { class: 'card-title' }, t('login.title')),
    h('p', { class: 'form-ok', role: 'status', dataset: { testid: 'login-file-ready' } }, t('login.fileReady')),
    h('p', {}, h('a', { class: 'btn', href: next, dataset: { testid: 'login-file-again' } }, t('login.fileAgain')), ' ',
      h('a', { class: 'btn', href: cameFrom(), dataset: { testid: 'login-back' } }, t('login.back'))));
}

function init() {
  initI18n();
  const lang = document.getElementById('lang-toggle');
  const setLangLabel = () => { lang.textContent = t('lang.switch'); lang.setAttribute('aria-label', t('lang.switchLabel')); document.title = `${t('login.title')} · ${t('app.title')}`; };
  setLangLabel();
  onLangChange(setLangLabel);
  lang.addEventListener('click', () => toggleLang());

  const form = document.getElementById('login-form');
  const error = document.getElementById('login-error');
  const submit = form.querySelector('button[type=submit]');
  const showError = (text) => { error.textContent = text; error.hidden = !text; };
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const username = form.username.value.trim();
    const password = form.password.value;
    if (!username || !password) { showError(t('login.missing')); return; }
    showError('');
    submit.disabled = true;
    submit.textContent = t('login.busy');
    try {
      await api.login(username, password);
      const next = nextPath();
      if (next.startsWith('/api/')) fileDownloaded(form, next);
      location.assign(next);
    } catch (err) {
      showError(err.detail || err.message);
      form.password.select();
    } finally {
      submit.disabled = false;
      submit.textContent = t('login.submit');
    }
  });
  form.username.focus();
  document.documentElement.lang = getLang() === 'en' ? 'en' : 'zh-CN';
  document.body.dataset.ready = '1';
}

init();
