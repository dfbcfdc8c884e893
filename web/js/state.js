// View state (filters, colour mode, open project) and its mirror in the URL hash:
//   #district=荣成市&cluster=…&zone=…&base=…&status=…&q=…&month=2026-10&mode=light&project=ID

// `month` (YYYY-MM, the state at that month's end; empty = latest) travels with the filters: see month.js.
export const FILTER_KEYS = ['district', 'cluster', 'zone', 'base', 'status', 'q', 'month', 'overdue_problems', 'task']; // overdue_problems: js/problems-filter.js; task: 重点任务 id (tasks.html)
const MODES = ['progress', 'light'];

const state = { filters: {}, mode: 'progress', project: null };
const listeners = new Set();
let lastHash = null;

export function getState() {
  return { filters: { ...state.filters }, mode: state.mode, project: state.project };
}

/** Subscribe to changes; fn(state, changed:Set<'filters'|'mode'|'project'>). */
export function subscribe(fn) { listeners.add(fn); return () => listeners.delete(fn); }

function sameFilters(a, b) {
  return FILTER_KEYS.every((k) => (a[k] || '') === (b[k] || ''));
}

/** Merge a patch {filters?, mode?, project?}; writes the hash and notifies. */
export function update(patch, { writeHash = true } = {}) {
  const changed = new Set();
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
  if (!changed.size) return;
  if (writeHash) writeToHash();
  for (const fn of listeners) fn(getState(), changed);
}

export function toHash(s = state) {
  const qs = new URLSearchParams();
  for (const k of FILTER_KEYS) if (s.filters[k]) qs.set(k, s.filters[k]);
  if (s.mode !== 'progress') qs.set('mode', s.mode);
  if (s.project) qs.set('project', s.project);
  const str = qs.toString();
  return str ? `#${str}` : '';
}

export function parseHash(hash = location.hash) {
  const qs = new URLSearchParams(hash.replace(/^#/, ''));
  const filters = {};
  for (const k of FILTER_KEYS) { const v = qs.get(k); if (v) filters[k] = v; }
  const mode = MODES.includes(qs.get('mode')) ? qs.get('mode') : 'progress';
  const project = qs.get('project') || null;
  return { filters, mode, project };
}

function writeToHash() {
  const h = toHash();
  lastHash = h;
  if (h !== location.hash && !(h === '' && location.hash === '')) {
    history.replaceState(null, '', h || `${location.pathname}${location.search}`);
  }
}

/** Load the initial state from the hash (no notification) and follow later hash edits. */
export function initFromHash() {
  const s = parseHash();
  state.filters = s.filters; state.mode = s.mode; state.project = s.project;
  lastHash = toHash();
  window.addEventListener('hashchange', () => {
    if (location.hash === lastHash) return;
    const n = parseHash();
    update({ filters: { ...Object.fromEntries(FILTER_KEYS.map((k) => [k, ''])), ...n.filters }, mode: n.mode, project: n.project }, { writeHash: false });
    lastHash = location.hash;
  });
  return getState();
}
