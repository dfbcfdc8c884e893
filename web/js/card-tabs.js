// The project card's tabs on a phone (概况 / 进度 / 照片 / 问题): css/phone.css shows one tab's sections at a
// time; the chosen tab is part of the view state (`tab=` in the URL), so Back returns to the previous tab.
import './i18n-phone.js';
import { t } from './i18n.js';
import { h } from './dom.js';
import { getState, update, subscribe, TABS } from './state.js';

let showCurrent = null; // the open card's tab switcher (one card at a time)
subscribe((s, changed) => { if (changed.has('tab') && showCurrent) showCurrent(); });

/** Put the tab bar into the card (after its progress head) and keep card[data-tab] on the state's tab. */
export function mountCardTabs(card) {
  const current = () => getState().tab || TABS[0];
  const buttons = TABS.map((tab) => h('button', {
    type: 'button', role: 'tab', class: 'card-tab', id: `card-tab-${tab}`, dataset: { testid: 'card-tab', tab },
    onclick: () => update({ tab: tab === TABS[0] ? null : tab }),
  }, t(`tabs.${tab}`)));
  const bar = h('div', { class: 'card-tabs', role: 'tablist', 'aria-label': t('tabs.label'), dataset: { testid: 'card-tabs' } }, buttons);
  const anchor = card.querySelector('.pcard-progress');
  if (anchor) anchor.after(bar); else card.prepend(bar);
  const show = () => {
    const tab = current();
    card.dataset.tab = tab;
    for (const b of buttons) b.setAttribute('aria-selected', String(b.dataset.tab === tab));
  };
  show();
  showCurrent = show;
  return show;
}
