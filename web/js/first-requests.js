// The map page's first requests, sent before the map's own modules are compiled and run (Leaflet alone is 450 kB):
// meta, then (below the tile threshold) the projects of the view the link names and their summary. The page lists
// this module before app.js and its imports are small, so it runs as soon as the page is parsed; app.js takes the
// answers over, and asks again only when the link changed in between.
import { api } from './api.js';
import { parseHash } from './state.js';

/** Whether the map should draw from vector tiles (js/tiles.js, loaded only then): more projects in the library than
 * the server's threshold. */
export function tilesWanted(meta) {
  const m = meta && meta.map_tiles;
  return Boolean(m) && m.project_count > m.threshold;
}

const { filters } = parseHash();
const ctrl = new AbortController();
const meta = api.meta();
// Above the threshold the map never asks for the whole GeoJSON, and the summary (every project's month-end state,
// seconds at 100,000 when not yet cached) waits until the view's tiles are in: app.js asks for it then.
// Both leave in meta's first reaction: a promise hop more would queue them behind app.js's boot, which also awaits
// meta and then runs for tens of milliseconds without yielding.
const sent = meta.then((m) => (tilesWanted(m) ? null : {
  projects: api.projects(filters, { signal: ctrl.signal }),
  summary: api.summary(filters, { signal: ctrl.signal }),
}));
const projects = sent.then((s) => s && s.projects);
const summary = sent.then((s) => s && s.summary);
// With tiles, their decoder (js/tiles.js and its two imports) travels while the map's own modules load.
meta.then((m) => (tilesWanted(m) ? import('./tiles.js') : null)).catch(() => {});
// Their failures are the boot's to report (it awaits both), not unhandled rejections before it runs.
meta.catch(() => {});
projects.catch(() => {});
summary.catch(() => {});

/** The first requests: the filters they were made for, their abort controller, and the answers' promises (projects
 * and summary null with tiles). */
export const firstRequests = { filters, ctrl, meta, projects, summary };
