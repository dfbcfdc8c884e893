// View state (filters, colour mode, open project, the card's tab) and its mirror in the URL hash:
//   #district=荣成市&cluster=…&zone=…&base=…&status=…&q=…&month=2026-10&mode=light&project=ID&tab=photos
// Each view change is a history entry (issue 16), so Back and Forward walk district → card → tab; typing in the
// name search and corrections the app makes itself (a landing district, a project that failed to open) replace it.

// `month` (YYYY-MM, the state at that month's end; empty = latest) travels with the filters: see month.js.
export const FILTER_KEYS = ['district', 'cluster', 'zone', 'base', 'status', 'q', 'month', 'overdue_problems', 'task']; // overdue_problems: js/problems-filter.js; task: 重点任务 id (tasks.html)
const MODES = ['progress', 'light'];
/** The project card's tabs on a phone (js/card-tabs.js); the first is the default and is not written. */
export const TABS = ['overview', 'progress', 'photos', 'problems'];

const state = { filters: {}, mode: 'progress', project: null, tab: null };
const listeners = new Set();
let lastHash = null;

export function getState() {
  return { filters: { ...state.filters }, mode: state.mode, project: state.project, tab: state.tab };
}

/** Subscribe to changes; fn(state, changed:Set<'filters'|'mode'|'project'|'tab'>). */
export function subscribe(fn) { listeners.add(fn); return () => listeners.delete(fn); }

/** Whether two filter sets ask for the same projects. */
export function sameFilters(a, b) {
  return FILTER_KEYS.every((k) => (a[k] || '') === (b[k] || ''));
}

/** Merge a patch {filters?, mode?, project?, tab?}; writes the hash (a new history entry unless `replace`) and notifies. */
export function update(patch, { writeHash = true, replace = false } = {}) {
  const changed = new Set();
  const before = { ...state.filters };
  if (patch.filters) {
    const next = {};
    for (const k of FILTER_KEYS) {
      const v = k in patch.filters ? patch.filters[k] : state.filters[k];
      if (v != null && String(v).trim() !== '') next[k] = String(v).trim();
    }
    if (!sameFilters(next, state.filters)) { state.filters = next; changed.add('filters'); }
  }
  if (patch.mode && MODES.includes(patch.mode) && patch.mode !== state.mode) {
    state.mode = patch.mode; changed.add('mode');
  }
  if ('project' in patch) {
    const p = patch.project == null || patch.project === '' ? null : String(patch.project);
    if (p !== state.project) { state.project = p; changed.add('project'); }
  }
  // Another project (or none) opens on its first tab unless the patch names one.
  const tab = 'tab' in patch ? (TABS.includes(patch.tab) && patch.tab !== TABS[0] ? patch.tab : null) : (changed.has('project') ? null : state.tab);
  if (tab !== state.tab) { state.tab = tab; changed.add('tab'); }
  if (!changed.size) return;
  // Each keystroke of the name search is not a place to go Back to: it replaces the entry.
  const onlyQ = changed.size === 1 && changed.has('filters') && FILTER_KEYS.every((k) => k === 'q' || (before[k] || '') === (state.filters[k] || ''));
  if (writeHash) writeToHash(replace || onlyQ);
  for (const fn of listeners) fn(getState(), changed);
}

export function toHash(s = state) {
  const qs = new URLSearchParams();
  for (const k of FILTER_KEYS) if (s.filters[k]) qs.set(k, s.filters[k]);
  if (s.mode !== 'progress') qs.set('mode', s.mode);
  if (s.project) qs.set('project', s.project);
  if (s.project && s.tab) qs.set('tab', s.tab);
  const str = qs.toString();
  return str ? `#${str}` : '';
}

export function parseHash(hash = location.hash) {
  const qs = new URLSearchParams(hash.replace(/^#/, ''));
  const filters = {};
  for (const k of FILTER_KEYS) { const v = qs.get(k); if (v) filters[k] = v; }
  const mode = MODES.includes(qs.get('mode')) ? qs.get('mode') : 'progress';
  const project = qs.get('project') || null;
  const tab = project && TABS.includes(qs.get('tab')) && qs.get('tab') !== TABS[0] ? qs.get('tab') : null;
  return { filters, mode, project, tab };
}

function writeToHash(replace = true) {
  const h = toHash();
  lastHash = h;
  if (h !== location.hash && !(h === '' && location.hash === '')) {
    const url = h || `${location.pathname}${location.search}`;
    if (replace) history.replaceState(null, '', url);
    else history.pushState(null, '', url);
  }
}

/** Load the initial state from the hash (no notification) and follow later hash edits. */
export function initFromHash() {
  const s = parseHash();
  state.filters = s.filters; state.mode = s.mode; state.project = s.project; state.tab = s.tab;
  lastHash = toHash();
  // Back / Forward (popstate) and a hand-edited hash (hashchange) both bring the view to the URL.
  const follow = () => {
    if (location.hash === lastHash) return;
    const n = parseHash();
    update({ filters: { ...Object.fromEntries(FILTER_KEYS.map((k) => [k, ''])), ...n.filters }, mode: n.mode, project: n.project, tab: n.tab }, { writeHash: false });
    lastHash = location.hash;
  };
  window.addEventListener('hashchange', follow);
  window.addEventListener('popstate', follow);
  return getState();
}
