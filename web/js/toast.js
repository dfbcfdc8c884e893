// Toast notifications (errors from api.js are shown here).
import { t } from './i18n.js';

/** Show a toast; `action` ({label, onClick, testid}) adds a button (e.g. 撤销) that closes it and runs onClick. */
export function toast(message, { kind = 'error', title = '', timeout = 7000, action = null } = {}) {
  const host = document.getElementById('toasts');
  if (!host) return;
  const el = document.createElement('div');
  el.className = `toast toast-${kind}`;
  el.setAttribute('role', kind === 'error' ? 'alert' : 'status');
  el.dataset.testid = 'toast';
  const body = document.createElement('div');
  body.className = 'toast-body';
  if (title) {
    const h = document.createElement('strong');
    h.textContent = title;
    body.append(h, document.createElement('br'));
  }
  body.append(document.createTextNode(message));
  const close = document.createElement('button');
  close.type = 'button';
  close.className = 'toast-close';
  close.setAttribute('aria-label', t('toast.close'));
  close.textContent = '×';
  close.addEventListener('click', () => el.remove());
  el.append(body);
  if (action) {
    const b = document.createElement('button');
    b.type = 'button';
    b.className = 'btn btn-small toast-action';
    b.dataset.testid = action.testid || 'toast-action';
    b.textContent = action.label;
    b.addEventListener('click', () => { el.remove(); action.onClick(); });
    el.append(b);
  }
  el.append(close);
  host.append(el);
  while (host.children.length > 4) host.firstElementChild.remove();
  if (timeout) setTimeout(() => el.remove(), timeout);
}

/** Show an error (ApiError or any Error) as a toast; ignores aborted requests. */
export function showError(err) {
  if (!err || err.name === 'AbortError') return;
  const title = err.status === 0 ? t('error.network') : (err.title || t('error.title'));
  const status = err.status ? ` (${err.status})` : '';
  toast(`${err.detail || err.message || String(err)}`, { kind: 'error', title: `${title}${status}` });
}
