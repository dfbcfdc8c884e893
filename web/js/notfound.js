// The page for a mistyped address (web/404.html, served by api/web.py with status 404): where to go instead.
import { initI18n, t, toggleLang, addMessages, onLangChange } from './i18n.js';
import './i18n-progress.js';
import './photo-common.js';
import { mountUserBox } from './auth.js';

addMessages({
  zh: { 'notfound.title': '页面不存在', 'notfound.text': '您要找的页面不存在，可能是地址输入有误。请从下面的页面继续：', 'notfound.map': '挂图作战地图', 'notfound.path': '地址：{p}' },
  en: { 'notfound.title': 'Page not found', 'notfound.text': 'There is no page at this address; it may be mistyped. Carry on from one of these:', 'notfound.map': 'The war-room map', 'notfound.path': 'Address: {p}' },
});

const $ = (id) => document.getElementById(id);

initI18n();
mountUserBox($('user-box'));
const render = () => {
  $('lang-toggle').textContent = t('lang.switch');
  document.title = `${t('notfound.title')} · ${t('app.title')}`;
  $('notfound-path').textContent = t('notfound.path', { p: location.pathname });
};
render();
onLangChange(render);
$('lang-toggle').addEventListener('click', () => toggleLang());
document.body.dataset.ready = '1';
