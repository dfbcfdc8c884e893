// The sign-in page: username and password, then back to where the visitor came from.
import { api } from './api.js';
import { initI18n, t, toggleLang, addMessages, onLangChange, getLang } from './i18n.js';

addMessages({
  zh: {
    'login.title': '登录', 'login.username': '用户名', 'login.password': '密码', 'login.submit': '登录',
    'login.backToMap': '← 返回地图', 'login.missing': '请输入用户名和密码。', 'login.busy': '正在登录…',
  },
  en: {
    'login.title': 'Sign in', 'login.username': 'Username', 'login.password': 'Password', 'login.submit': 'Sign in',
    'login.backToMap': '← Back to the map', 'login.missing': 'Enter your username and password.', 'login.busy': 'Signing in…',
  },
});

/** Only a path on this site: never send the visitor elsewhere after signing in. */
function nextPath() {
  const next = new URLSearchParams(location.search).get('next') || '/';
  return next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/\\') ? next : '/';
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
      location.assign(nextPath());
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
