// The month selector of the map: markers, summary and lights as they stood at the end of the chosen month.
// The month lives in the view state (state.js filters, hash `month=YYYY-MM`); empty means the latest reports.
import { t, onLangChange } from './i18n.js';
import { getState, subscribe, update } from './state.js';

export function initMonthSelector(meta, container) {
  const months = meta.report_months || [];
  const wrap = document.createElement('label');
  wrap.className = 'field field-month';
  const caption = document.createElement('span');
  const select = document.createElement('select');
  select.id = 'month-select';
  select.dataset.testid = 'month-select';
  wrap.append(caption, select);
  container.prepend(wrap);

  function render() {
    caption.textContent = t('month.label');
    const current = getState().filters.month || '';
    const shown = (meta.cycle || {}).shown_month;
    const options = [['', shown ? t('month.latestOf', { m: shown }) : t('month.latest')], ...months.map((m) => [m, m])];
    if (current && !months.includes(current)) options.push([current, current]);
    select.replaceChildren(...options.map(([value, text]) => {
      const o = document.createElement('option');
      o.value = value;
      o.textContent = text;
      return o;
    }));
    select.value = current;
    select.title = current ? t('month.asOf', { m: current }) : '';
    document.body.dataset.month = current;
  }

  select.addEventListener('change', () => update({ filters: { month: select.value } }));
  subscribe((s, changed) => { if (changed.has('filters')) render(); });
  onLangChange(render);
  render();
  return { render };
}
