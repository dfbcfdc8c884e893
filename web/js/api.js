// The ONLY module that talks to the server. Every call returns parsed JSON or
// throws an ApiError carrying the problem+json fields (type/title/status/detail/errors).

export class ApiError extends Error {
  constructor({ status = 0, title = '', detail = '', type = 'about:blank', errors = null, url = '' } = {}) {
    super(detail || title || `HTTP ${status}`);
    this.name = 'ApiError';
    this.status = status;
    this.title = title;
    this.detail = detail;
    this.type = type;
    this.errors = errors;
    this.url = url;
  }
}

const FILTER_KEYS = ['district', 'cluster', 'zone', 'base', 'status', 'q', 'bbox'];

/** Build a query string from a filters object, keeping only contract keys with a value. */
export function filterQuery(filters = {}) {
  const qs = new URLSearchParams();
  for (const k of FILTER_KEYS) {
    const v = filters[k];
    if (v !== undefined && v !== null && v !== '') qs.set(k, Array.isArray(v) ? v.join(',') : String(v));
  }
  const s = qs.toString();
  return s ? `?${s}` : '';
}

async function getJSON(path, { signal } = {}) {
  let res;
  try {
    res = await fetch(path, { signal, headers: { Accept: 'application/json, application/geo+json, application/problem+json' } });
  } catch (e) {
    if (e.name === 'AbortError') throw e;
    throw new ApiError({ status: 0, title: 'network', detail: e.message || String(e), url: path });
  }
  const ct = res.headers.get('content-type') || '';
  let body = null;
  if (ct.includes('json')) {
    try { body = await res.json(); } catch { body = null; }
  }
  if (!res.ok) {
    const p = body && typeof body === 'object' ? body : {};
    let detail = p.detail;
    if (!detail && Array.isArray(p.errors) && p.errors.length) {
      detail = p.errors.map((e) => (typeof e === 'string' ? e : e.msg || e.message || JSON.stringify(e))).join('; ');
    }
    throw new ApiError({
      status: p.status || res.status,
      title: p.title || res.statusText,
      detail: detail || p.title || `HTTP ${res.status}`,
      type: p.type,
      errors: p.errors || null,
      url: path,
    });
  }
  if (body === null) throw new ApiError({ status: res.status, title: 'bad response', detail: `not JSON: ${path}`, url: path });
  return body;
}

export const api = {
  meta: (o) => getJSON('/api/meta', o),
  health: (o) => getJSON('/api/health', o),
  /** kind: districts | zones | bases */
  layer: (kind, o) => getJSON(`/api/layers/${encodeURIComponent(kind)}`, o),
  projects: (filters, o) => getJSON(`/api/projects${filterQuery(filters)}`, o),
  project: (id, o) => getJSON(`/api/projects/${encodeURIComponent(id)}`, o),
  summary: (filters, o) => getJSON(`/api/summary${filterQuery(filters)}`, o),
  lookup: (lon, lat, o) => getJSON(`/api/lookup?lon=${encodeURIComponent(lon)}&lat=${encodeURIComponent(lat)}`, o),
};

// Planner tools (siting check page): POST bodies, JSON or file answers, same problem+json handling.
async function send(path, { body, headers = {}, as = 'json', signal } = {}) {
  let res;
  try {
    res = await fetch(path, { method: 'POST', body, signal, headers: { Accept: 'application/json, application/problem+json, */*', ...headers } });
  } catch (e) {
    if (e.name === 'AbortError') throw e;
    throw new ApiError({ status: 0, title: 'network', detail: e.message || String(e), url: path });
  }
  if (!res.ok) {
    let p = {};
    try { p = await res.json(); } catch { p = {}; }
    throw new ApiError({ status: p.status || res.status, title: p.title || res.statusText, detail: p.detail || `HTTP ${res.status}`, type: p.type, errors: p.errors || null, url: path });
  }
  return as === 'blob' ? res.blob() : res.json();
}

function sitingBody(input) {
  if (input instanceof Blob) {
    const form = new FormData();
    form.append('file', input, input.name || 'points.csv');
    return { body: form };
  }
  return { body: JSON.stringify({ points: input }), headers: { 'Content-Type': 'application/json' } };
}

export const plannerApi = {
  /** input: [{lon, lat, name?}] or a File (CSV / .xlsx) -> {count, results} */
  siteMany: (input, o = {}) => send('/api/lookup', { ...sitingBody(input), ...o }),
  /** the same check answered as an Excel Blob */
  siteManyExcel: (input, o = {}) => send('/api/lookup?format=xlsx', { ...sitingBody(input), as: 'blob', ...o }),
};
