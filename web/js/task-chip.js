// The map's key-task filter (#task=ID, set from a task card): a chip in the filters naming the task, with a link
// back to its card and a button clearing the filter. The markers and the summary follow state.filters.task.
import { api } from './api.js';
import { t } from './i18n.js';
import './i18n-tasks.js';
import { h, fill } from './dom.js';
import { getState, subscribe, update } from './state.js';

/** Keep a chip for the current task filter at the end of `host` (the filters card). */
export function mountTaskChip(host) {
  const chip = h('div', { class: 'task-chip', hidden: true, dataset: { testid: 'task-chip' } });
  host.append(chip);
  let shown = null;
  async function sync() {
    const id = getState().filters.task || '';
    if (id === shown) return;
    shown = id;
    if (!id) { chip.hidden = true; delete chip.dataset.taskId; fill(chip); return; }
    let title = `#${id}`;
    try {
      const task = await api.task(id);
      title = `${task.code} ${task.title}`;
    } catch { /* an unknown task: the map's own answer (422) says so */ }
    if (shown !== id) return;
    fill(chip, h('span', { class: 'muted' }, t('chip.task')),
      h('a', { href: `/tasks.html#task=${encodeURIComponent(id)}` }, title),
      h('button', { type: 'button', class: 'btn btn-small', title: t('chip.clear'), 'aria-label': t('chip.clear'),
        dataset: { testid: 'task-chip-clear' }, onclick: () => update({ filters: { task: '' } }) }, '×'));
    chip.dataset.taskId = id;
    chip.hidden = false;
  }
  subscribe((s, changed) => { if (changed.has('filters')) sync(); });
  sync();
}
