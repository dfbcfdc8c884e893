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

function problemOf(status, body, path, statusText = '') {
  const p = body && typeof body === 'object' ? body : {};
  return new ApiError({
    status: p.status || status,
    title: p.title || statusText,
    detail: p.detail || p.title || `HTTP ${status}`,
    type: p.type,
    errors: p.errors || null,
    url: path,
  });
}

async function sendJSON(method, path, payload) {
  let res;
  try {
    res = await fetch(path, { method, headers: { 'Content-Type': 'application/json', Accept: 'application/json, application/problem+json' }, body: JSON.stringify(payload) });
  } catch (e) {
    throw new ApiError({ status: 0, title: 'network', detail: e.message || String(e), url: path });
  }
  let body = null;
  try { body = await res.json(); } catch { body = null; }
  if (!res.ok) throw problemOf(res.status, body, path, res.statusText);
  return body;
}

/**
 * Upload one photo with XMLHttpRequest (fetch has no upload progress).
 * onProgress(fraction 0..1); resolves with the created photo, rejects with ApiError
 * (a 409 duplicate carries the stored photo in err.existing).
 */
function uploadPhoto(projectId, file, { month, caption, uploader, onProgress } = {}) {
  const path = `/api/projects/${encodeURIComponent(projectId)}/photos`;
  const form = new FormData();
  form.append('files', file, file.name);
  if (month) form.append('month', month);
  if (caption) form.append('caption', caption);
  if (uploader) form.append('uploader', uploader);
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', path);
    xhr.setRequestHeader('Accept', 'application/json, application/problem+json');
    xhr.responseType = 'json';
    xhr.upload.addEventListener('progress', (e) => { if (e.lengthComputable && onProgress) onProgress(e.loaded / e.total); });
    xhr.addEventListener('load', () => {
      if (xhr.status >= 200 && xhr.status < 300 && xhr.response) { resolve(xhr.response.photos[0]); return; }
      const err = problemOf(xhr.status, xhr.response, path, xhr.statusText);
      if (xhr.response && xhr.response.existing) err.existing = xhr.response.existing;
      reject(err);
    });
    xhr.addEventListener('error', () => reject(new ApiError({ status: 0, title: 'network', detail: 'upload failed', url: path })));
    xhr.send(form);
  });
}

function query(params = {}) {
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') qs.set(k, String(v));
  const s = qs.toString();
  return s ? `?${s}` : '';
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
  // Site photos
  projectPhotos: (id, o) => getJSON(`/api/projects/${encodeURIComponent(id)}/photos`, o),
  photoWall: ({ district, month, perProject } = {}, o) => getJSON(`/api/photos${query({ district, month, per_project: perProject })}`, o),
  photoPositions: ({ district, project } = {}, o) => getJSON(`/api/photos/positions${query({ district, project })}`, o),
  placePhoto: (id, lon, lat) => sendJSON('PUT', `/api/photos/${encodeURIComponent(id)}/location`, { lon, lat }),
  uploadPhoto,
};
