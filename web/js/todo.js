// A district reporter's month: they land on their own district, and the projects still to report for the month
// that is due (or returned to them) come first in the list, marked as such.
import { api } from './api.js';
import { addMessages } from './i18n.js';
import { currentUser } from './auth.js';
import { getState, update } from './state.js';

addMessages({
  zh: {
    'todo.unreported': '{m} 未报',
    'todo.returned': '{m} 退回待改',
    'todo.hint': '{m} 待报 {n} 个,排在前面',
  },
  en: {
    'todo.unreported': '{m} not reported',
    'todo.returned': '{m} returned',
    'todo.hint': '{n} still to report for {m}, listed first',
  },
});

/** The due month's unreported projects of the reporter's district: {month, items: Map(id → {returned})}, or null. */
async function todoOf(user) {
  const periods = await api.periods();
  const month = periods.due_month;
  const c = await api.completeness(month, user.district);
  return { month, items: new Map((c.unreported || []).map((x) => [x.id, { returned: Boolean(x.returned) }])) };
}

/** Land a reporter on their district (when the link named no view) and keep the panel's to-do list current. */
export async function mountReporterTodo(panel, { hadView }) {
  const user = await currentUser();
  if (!user || user.role !== 'reporter' || !user.district) return;
  const refresh = async () => {
    try { panel.setTodo(await todoOf(user)); } catch { panel.setTodo(null); }
  };
  await refresh();
  window.addEventListener('warroom:report-saved', refresh);
  if (!hadView && !getState().filters.district) update({ filters: { district: user.district } }, { replace: true });
}
