// A list of sign-in sessions (my account page and the admin page): where, which browser, since when, last use,
// with an 结束 button for each one that is not this page's own session.
import { t, addMessages } from './i18n.js';
import { h, fill } from './dom.js';

addMessages({
  zh: {
    'sessions.none': '没有有效的登录会话。', 'sessions.current': '本机（当前会话）', 'sessions.started': '登录于 {t}',
    'sessions.seen': '最近使用 {t}', 'sessions.expires': '到期 {t}', 'sessions.end': '退出此会话',
    'sessions.unknownAgent': '未知浏览器', 'sessions.unknownAddress': '未知地址',
  },
  en: {
    'sessions.none': 'No live sessions.', 'sessions.current': 'this browser (current)', 'sessions.started': 'signed in {t}',
    'sessions.seen': 'last used {t}', 'sessions.expires': 'expires {t}', 'sessions.end': 'Sign out this session',
    'sessions.unknownAgent': 'unknown browser', 'sessions.unknownAddress': 'unknown address',
  },
});

/** A date and time in the page's language, or a dash. */
export function fmtTime(iso) {
  return iso ? new Date(iso).toLocaleString(document.documentElement.lang === 'en' ? 'en-GB' : 'zh-CN', { hour12: false }) : '—';
}

/** "Chrome · Windows" from a user agent, so a person recognises their computer; the full string is the tooltip. */
export function browserOf(ua) {
  if (!ua) return t('sessions.unknownAgent');
  const browser = [['Edg/', 'Edge'], ['MicroMessenger', '微信'], ['Firefox/', 'Firefox'], ['Chrome/', 'Chrome'], ['Safari/', 'Safari'], ['python', 'Python'], ['curl', 'curl']]
    .find(([needle]) => ua.includes(needle));
  const system = [['Windows', 'Windows'], ['Android', 'Android'], ['iPhone', 'iPhone'], ['Mac OS', 'macOS'], ['Linux', 'Linux']]
    .find(([needle]) => ua.includes(needle));
  return [browser ? browser[1] : ua.slice(0, 40), system && system[1]].filter(Boolean).join(' · ');
}

/** Fill `list` with the sessions; `onEnd(session, button)` is called when an 退出此会话 button is pressed. */
export function renderSessions(list, sessions, { onEnd, empty } = {}) {
  if (empty) empty.hidden = sessions.length > 0;
  fill(list, sessions.map((s) => h('li', {
    class: 'token-item', dataset: { testid: 'session-item', sessionId: s.id, current: s.current ? '1' : '0' },
  },
  h('div', { class: 'token-main' },
    h('span', { class: 'token-name session-agent', title: s.user_agent || '', dataset: { testid: 'session-browser' } },
      browserOf(s.user_agent), ' · ', s.address || t('sessions.unknownAddress'),
      s.current ? [' ', h('span', { class: 'session-current', dataset: { testid: 'session-current' } }, t('sessions.current'))] : null),
    h('span', { class: 'token-meta' },
      h('span', {}, t('sessions.started', { t: fmtTime(s.created_at) })),
      h('span', { dataset: { testid: 'session-seen' } }, t('sessions.seen', { t: fmtTime(s.last_seen_at || s.created_at) })),
      h('span', {}, t('sessions.expires', { t: fmtTime(s.expires_at) })))),
  s.current || !onEnd ? null : h('button', { type: 'button', class: 'btn btn-small btn-danger', dataset: { testid: 'end-session' },
    onclick: (e) => onEnd(s, e.currentTarget) }, t('sessions.end')))));
}
