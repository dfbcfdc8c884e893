// Phone chrome (issue 16): the top bar's 菜单 button (title, account and language stay in the bar) and the
// bottom sheet's snap points (peek / half / full) with a handle that can be tapped or dragged.
import './i18n-phone.js';
import { t, onLangChange } from './i18n.js';
import { h } from './dom.js';

const SNAPS = ['peek', 'half', 'full'];

/** Add the 菜单 button to the page's top bar; the tools fold into it on phone-sized screens (css/phone.css). */
export function initTopbarMenu(topbar = document.querySelector('.topbar')) {
  const tools = topbar?.querySelector('.topbar-tools');
  if (!tools) return null;
  const btn = h('button', { type: 'button', class: 'btn menu-toggle', 'aria-expanded': 'false', 'aria-controls': tools.id || null, dataset: { testid: 'menu-toggle' } });
  const render = () => {
    const open = topbar.classList.contains('menu-open');
    btn.textContent = open ? `✕ ${t('menu.close')}` : `☰ ${t('menu.open')}`;
    btn.setAttribute('aria-expanded', String(open));
  };
  const setOpen = (open) => { topbar.classList.toggle('menu-open', open); render(); };
  btn.addEventListener('click', () => setOpen(!topbar.classList.contains('menu-open')));
  // A chosen tool or Escape closes the menu, so it never hides the map it opened over.
  tools.addEventListener('click', (e) => { if (e.target !== btn && e.target.closest('a, button:not(.menu-toggle)') && !e.target.closest('#mode-toggle')) setOpen(false); });
  document.addEventListener('keydown', (e) => { if (e.key === 'Escape' && topbar.classList.contains('menu-open')) { setOpen(false); btn.focus(); } });
  tools.append(btn);
  onLangChange(render);
  render();
  return { setOpen };
}

/** The bottom sheet: a tap on the handle steps peek → half → full → peek; a drag moves one snap up or down. */
export function initSheet(sheet, handle, { onResize } = {}) {
  const set = (snap, { moved = true } = {}) => {
    sheet.dataset.snap = snap;
    sheet.classList.toggle('collapsed', snap === 'peek'); // app.js opens a collapsed sheet when a card opens
    handle.setAttribute('aria-expanded', String(snap !== 'peek'));
    handle.dataset.snap = snap;
    if (onResize && moved) setTimeout(onResize, 260);
  };
  const step = (d) => set(SNAPS[Math.max(0, Math.min(SNAPS.length - 1, SNAPS.indexOf(sheet.dataset.snap) + d))]);
  let startY = null;
  let dragged = false;
  handle.addEventListener('pointerdown', (e) => { startY = e.clientY; dragged = false; });
  handle.addEventListener('pointerup', (e) => {
    if (startY == null) return;
    const dy = e.clientY - startY;
    startY = null;
    if (Math.abs(dy) > 30) { dragged = true; step(dy < 0 ? 1 : -1); }
  });
  handle.addEventListener('click', () => {
    if (dragged) { dragged = false; return; } // the drag already moved the sheet
    const i = SNAPS.indexOf(sheet.dataset.snap);
    set(SNAPS[(i + 1) % SNAPS.length]);
  });
  // The first snap is the page's own layout, not a move: re-measuring the map then would force a layout mid-load.
  set(sheet.dataset.snap || 'half', { moved: false });
  sheetControl = { set, snap: () => sheet.dataset.snap };
  return sheetControl;
}

let sheetControl = null;
/** The map page's bottom sheet ({set, snap}), or null before initSheet (or on pages without one). */
export const bottomSheet = () => sheetControl;
