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

const FILTER_KEYS = ['district', 'cluster', 'zone', 'base', 'status', 'q', 'bbox', 'month']; // month: state at that month's end

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

async function getJSON(path, { signal, method = 'GET', payload } = {}) {
  let res;
  const headers = { Accept: 'application/json, application/geo+json, application/problem+json' };
  if (payload !== undefined) headers['Content-Type'] = 'application/json';
  try {
    res = await fetch(path, { signal, method, headers, body: payload === undefined ? undefined : JSON.stringify(payload) });
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
  // Monthly progress (issue 6)
  reports: (id, o) => getJSON(`/api/projects/${encodeURIComponent(id)}/reports`, o),
  putReport: (id, month, body, o) => getJSON(`/api/projects/${encodeURIComponent(id)}/reports/${encodeURIComponent(month)}`, { ...o, method: 'PUT', payload: body }),
  dashboard: (month, o) => getJSON(`/api/dashboard${month ? `?month=${encodeURIComponent(month)}` : ''}`, o),
  bulletinUrl: (month, fmt) => `/api/reports/monthly/${encodeURIComponent(month)}.${fmt}`,
};
