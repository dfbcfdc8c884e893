// The planner's workspace page (导入导出): boundary import with a preview map and the import history, register
// import with the row-level problems, boundary-layer exports. Shown to accounts that may import; others are told.
import { api } from './api.js';
import { initI18n, setMeta, t, toggleLang, onLangChange, applyI18n } from './i18n.js';
import { mountUserBox, currentUser, signInUrl } from './auth.js';
import { showError } from './toast.js';
import { h, fill } from './dom.js';
import './i18n-progress.js';
import './i18n-workspace.js';
import { mountBoundaryImport } from './boundary-import.js';
import { mountRegisterImport } from './register-import.js';
import { layerExports } from './exports.js';

const $ = (id) => document.getElementById(id);

async function boot() {
  initI18n();
  applyI18n();
  const renderTitle = () => { document.title = t('ws.title'); $('lang-toggle').textContent = t('lang.switch'); };
  renderTitle();
  onLangChange(() => { applyI18n(); renderTitle(); });
  $('lang-toggle').addEventListener('click', () => toggleLang());
  const meta = await api.meta();
  setMeta(meta);
  mountUserBox($('user-box'));
  const user = await currentUser();
  const may = (p) => Boolean(user && user.permissions.includes(p));
  if (!may('import_data') && !may('export_data')) {
    const denied = $('ws-denied');
    fill(denied, user ? t('ws.denied') : [t('auth.needSignIn'), ' ', h('a', { href: signInUrl(), dataset: { testid: 'ws-sign-in' } }, t('auth.signIn'))]);
    denied.hidden = false;
    document.body.dataset.ready = '1';
    return;
  }
  const waits = [];
  if (may('import_data')) {
    $('boundary-import').hidden = false;
    $('register-import').hidden = false;
    waits.push(mountBoundaryImport($('boundary-import'), { meta }));
    mountRegisterImport($('register-import'));
  }
  if (may('export_data')) {
    $('layer-exports').hidden = false;
    layerExports(document.querySelector('[data-testid=layer-export-list]'));
  }
  await Promise.all(waits);
  document.body.dataset.ready = '1';
}

boot().catch((err) => { document.body.dataset.ready = 'error'; showError(err); });
