// The map's 有逾期问题 filter: only projects with an open problem past its deadline (as of the chosen month's end,
// or today), kept in the URL hash as overdue_problems=1 like the other filters.
import { t, onLangChange } from './i18n.js';
import { getState, update, subscribe } from './state.js';
import { h } from './dom.js';
import './problems-common.js'; // its messages

export function mountOverdueFilter(host) {
  if (!host) return;
  const box = h('input', { type: 'checkbox', id: 'overdue-problems', dataset: { testid: 'overdue-problems' } });
  const text = h('span', {}, t('problems.filterOverdue'));
  host.append(h('label', { class: 'field field-check problems-filter' }, box, ' ', text));
  const sync = () => { box.checked = Boolean(getState().filters.overdue_problems); };
  box.addEventListener('change', () => update({ filters: { overdue_problems: box.checked ? '1' : '' }, project: null }));
  subscribe(sync);
  onLangChange(() => { text.textContent = t('problems.filterOverdue'); });
  sync();
}
