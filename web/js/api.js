// The only module that talks to the server: every call goes through request() (the photo upload's XHR, which
// fetch cannot replace because fetch reports no upload progress, shares its failure()), returns parsed JSON and
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

// Cookie-authenticated writes echo the CSRF cookie (set at sign-in, readable by this page only) in this header.
const CSRF_COOKIE = 'warroom_csrf';
const CSRF_HEADER = 'X-CSRF-Token';

function csrfToken() {
  const hit = document.cookie.split('; ').find((c) => c.startsWith(`${CSRF_COOKIE}=`));
  return hit ? decodeURIComponent(hit.slice(CSRF_COOKIE.length + 1)) : '';
}

/** A 401 means "not signed in": tell the page (js/auth.js offers the sign-in page). */
function noticeUnauthorized(err) {
  if (err.status === 401 && !err.url.startsWith('/api/auth/')) {
    window.dispatchEvent(new CustomEvent('warroom:unauthorized', { detail: err }));
  }
  return err;
}

const FILTER_KEYS = ['district', 'cluster', 'zone', 'base', 'status', 'q', 'bbox', 'month', 'overdue_problems', 'task']; // month: state at that month's end; task: 重点任务 id

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

/** The ApiError of a failed answer (problem+json when the server sent one); a 401 also tells the page. */
function failure(status, statusText, body, path) {
  const p = body && typeof body === 'object' ? body : {};
  let detail = p.detail;
  if (!detail && Array.isArray(p.errors) && p.errors.length) {
    detail = p.errors.map((e) => (typeof e === 'string' ? e : e.msg || e.message || JSON.stringify(e))).join('; ');
  }
  return noticeUnauthorized(new ApiError({
    status: p.status || status,
    title: p.title || statusText,
    detail: detail || p.title || `HTTP ${status}`,
    type: p.type,
    errors: p.errors || null,
    url: path,
  }));
}

const ACCEPT = 'application/json, application/geo+json, application/problem+json';
const MVT = 'application/vnd.mapbox-vector-tile';

/**
 * Every call to the server: GET or a write (writes carry the CSRF header), a JSON payload or a raw body,
 * answered as parsed JSON (a Blob with as: 'blob', an ArrayBuffer with as: 'arraybuffer'); anything else throws an ApiError.
 */
// A screen token (web/js/screen.js): a kiosk with no sign-in sends a viewer's API token where anonymous read is off.
let bearer = '';

/** Send `token` (an API token, wr_…) as the Authorization of every later call; '' stops. */
export function useToken(token) { bearer = token || ''; }

async function request(method, path, { json, body, headers = {}, as = 'json', signal } = {}) {
  const accept = { blob: `${ACCEPT}, */*`, arraybuffer: `${MVT}, application/problem+json` }[as] || ACCEPT;
  const sent = { Accept: accept, ...headers };
  if (bearer) sent.Authorization = `Bearer ${bearer}`;
  if (method !== 'GET') sent[CSRF_HEADER] = csrfToken();
  if (json !== undefined) { sent['Content-Type'] = 'application/json'; body = JSON.stringify(json); }
  let res;
  try {
    res = await fetch(path, { method, headers: sent, body, signal });
  } catch (e) {
    if (e.name === 'AbortError') throw e;
    throw new ApiError({ status: 0, title: 'network', detail: e.message || String(e), url: path });
  }
  const isJSON = (res.headers.get('content-type') || '').includes('json');
  if (res.ok && as === 'blob') return res.blob();
  if (res.ok && as === 'arraybuffer') return res.arrayBuffer();
  let parsed = null;
  if (isJSON) {
    try { parsed = await res.json(); } catch { parsed = null; }
  }
  if (!res.ok) throw failure(res.status, res.statusText, parsed, path);
  if (parsed === null) throw new ApiError({ status: res.status, title: 'bad response', detail: `not JSON: ${path}`, url: path });
  return parsed;
}

const getJSON = (path, { signal } = {}) => request('GET', path, { signal });
const sendJSON = (method, path, payload) => request(method, path, { json: payload });

/**
 * Upload one photo with XMLHttpRequest (fetch has no upload progress).
 * onProgress(fraction 0..1); resolves with the created photo, rejects with ApiError
 * (a 409 duplicate carries the stored photo in err.existing).
 */
function uploadPhoto(projectId, file, { month, caption, onProgress, device, idempotencyKey, name } = {}) {
  const path = `/api/projects/${encodeURIComponent(projectId)}/photos`;
  const form = new FormData();
  form.append('files', file, name || file.name);
  if (month) form.append('month', month);
  if (caption) form.append('caption', caption);
  // 设备定位 (issue 16): the phone's own position, a separate fact the server never merges into the EXIF.
  if (device) {
    form.append('device_lon', String(device.lon));
    form.append('device_lat', String(device.lat));
    form.append('device_accuracy_m', String(device.accuracy_m));
  }
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', path);
    xhr.setRequestHeader('Accept', 'application/json, application/problem+json');
    xhr.setRequestHeader(CSRF_HEADER, csrfToken());
    if (idempotencyKey) xhr.setRequestHeader('Idempotency-Key', idempotencyKey); // an outbox resend (js/outbox.js)
    xhr.responseType = 'json';
    xhr.upload.addEventListener('progress', (e) => { if (e.lengthComputable && onProgress) onProgress(e.loaded / e.total); });
    xhr.addEventListener('load', () => {
      if (xhr.status >= 200 && xhr.status < 300 && xhr.response) { resolve(xhr.response.photos[0]); return; }
      const err = failure(xhr.status, xhr.statusText, xhr.response, path);
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

// What the markers and the list read; the card fetches the whole project. A third of the bytes at 10,000 projects.
const MAP_FIELDS = 'id,name,district,cluster,status,progress,light,investment_total,demo'; // demo: what is generated says so (screen note)

function withFields(query, fields) {
  return `${query}${query ? '&' : '?'}fields=${fields}`;
}

export const api = {
  meta: (o) => getJSON('/api/meta', o),
  health: (o) => getJSON('/api/health', o),
  /** kind: districts | zones | bases */
  layer: (kind, o) => getJSON(`/api/layers/${encodeURIComponent(kind)}`, o),
  projects: (filters, o) => getJSON(`/api/projects${withFields(filterQuery(filters), MAP_FIELDS)}`, o),
  /** One vector tile of the filtered projects (web/js/tiles.js), as an ArrayBuffer (empty: nothing there). */
  projectTile: (z, x, y, filters, { signal } = {}) => request('GET', `/api/projects/tiles/${z}/${x}/${y}.mvt${filterQuery(filters)}`, { as: 'arraybuffer', signal }),
  /** One whole project, as it stood at the end of `month` (YYYY-MM) when given. */
  project: (id, o = {}) => getJSON(`/api/projects/${encodeURIComponent(id)}${filterQuery({ month: o.month })}`, o),
  summary: (filters, o) => getJSON(`/api/summary${filterQuery(filters)}`, o),
  lookup: (lon, lat, o) => getJSON(`/api/lookup?lon=${encodeURIComponent(lon)}&lat=${encodeURIComponent(lat)}`, o),
  // Site photos
  projectPhotos: (id, o) => getJSON(`/api/projects/${encodeURIComponent(id)}/photos`, o),
  photoWall: ({ district, month, perProject } = {}, o) => getJSON(`/api/photos${query({ district, month, per_project: perProject })}`, o),
  photoPositions: ({ district, project } = {}, o) => getJSON(`/api/photos/positions${query({ district, project })}`, o),
  placePhoto: (id, lon, lat) => sendJSON('PUT', `/api/photos/${encodeURIComponent(id)}/location`, { lon, lat }),
  withdrawPlacement: (id) => sendJSON('DELETE', `/api/photos/${encodeURIComponent(id)}/location`),
  publishPhoto: (id, published) => sendJSON('PUT', `/api/photos/${encodeURIComponent(id)}/published`, { published }),
  uploadPhoto,
  // Monthly progress
  reports: (id, o) => getJSON(`/api/projects/${encodeURIComponent(id)}/reports`, o),
  putReport: (id, month, body, { idempotencyKey } = {}) => request('PUT', `/api/projects/${encodeURIComponent(id)}/reports/${encodeURIComponent(month)}`,
    { json: body, headers: idempotencyKey ? { 'Idempotency-Key': idempotencyKey } : {} }), // the key: an outbox resend
  /** The dispatch cycle: due and shown months, recent months with their states. */
  periods: (o) => getJSON('/api/periods', o),
  reviews: ({ month, district } = {}, o) => getJSON(`/api/reviews${query({ month, district })}`, o),
  reviewReport: (id, month, decision, reason) => sendJSON('POST', `/api/projects/${encodeURIComponent(id)}/reports/${encodeURIComponent(month)}/review`, { decision, reason }),
  closePeriod: (month) => sendJSON('POST', `/api/periods/${encodeURIComponent(month)}/close`),
  completeness: (month, district, o) => getJSON(`/api/periods/${encodeURIComponent(month)}/completeness${query({ district })}`, o),
  remindersUrl: (month, district) => `/api/periods/${encodeURIComponent(month)}/reminders.xlsx${query({ district })}`,
  dashboard: (month, o) => getJSON(`/api/dashboard${month ? `?month=${encodeURIComponent(month)}` : ''}`, o),
  bulletinUrl: (month, fmt) => `/api/reports/monthly/${encodeURIComponent(month)}.${fmt}`,
  // Accounts (js/auth.js, js/login.js, js/admin.js)
  me: (o) => getJSON('/api/auth/me', o),
  login: (username, password) => sendJSON('POST', '/api/auth/login', { username, password }),
  logout: () => sendJSON('POST', '/api/auth/logout'),
  users: (o) => getJSON('/api/users', o),
  createUser: (user) => sendJSON('POST', '/api/users', user),
  updateUser: (id, change) => sendJSON('PATCH', `/api/users/${encodeURIComponent(id)}`, change),
  resetPassword: (id) => sendJSON('POST', `/api/users/${encodeURIComponent(id)}/password`),
  /** An account's API tokens (names, prefixes, dates; never the secrets), newest first, revoked ones too. */
  userTokens: (id, o) => getJSON(`/api/users/${encodeURIComponent(id)}/tokens`, o),
  /** Revoke one token of an account; answers the token with its revoked_at. */
  revokeUserToken: (id, tokenId) => sendJSON('DELETE', `/api/users/${encodeURIComponent(id)}/tokens/${encodeURIComponent(tokenId)}`),
  /** An account's live sign-in sessions (address, browser, start, last use), the most recently used first. */
  userSessions: (id, o) => getJSON(`/api/users/${encodeURIComponent(id)}/sessions`, o),
  endUserSession: (id, sessionId) => sendJSON('DELETE', `/api/users/${encodeURIComponent(id)}/sessions/${encodeURIComponent(sessionId)}`),
  // One's own account (js/account.js)
  changePassword: (current, next) => sendJSON('POST', '/api/auth/password', { current, new: next }),
  myTokens: (o) => getJSON('/api/auth/tokens', o),
  createToken: (name) => sendJSON('POST', '/api/auth/tokens', { name }),
  revokeToken: (tokenId) => sendJSON('DELETE', `/api/auth/tokens/${encodeURIComponent(tokenId)}`),
  mySessions: (o) => getJSON('/api/auth/sessions', o),
  endSession: (sessionId) => sendJSON('DELETE', `/api/auth/sessions/${encodeURIComponent(sessionId)}`),
  signOutOthers: () => sendJSON('POST', '/api/auth/sessions/sign-out-others'),
  audit: (filters = {}, o) => getJSON(`/api/audit${query(filters)}`, o),
  // Key tasks (重点任务): register, card, dashboard counts, monthly reports, evidence, departments
  tasks: (filters = {}, o) => getJSON(`/api/tasks${query(filters)}`, o),
  task: (id, o = {}) => getJSON(`/api/tasks/${encodeURIComponent(id)}${query({ month: o.month })}`, o),
  taskSummary: (month, o) => getJSON(`/api/tasks/summary${query({ month })}`, o),
  taskReports: (id, o) => getJSON(`/api/tasks/${encodeURIComponent(id)}/reports`, o),
  putTaskReport: (id, month, body) => sendJSON('PUT', `/api/tasks/${encodeURIComponent(id)}/reports/${encodeURIComponent(month)}`, body),
  reviewTaskReport: (id, month, decision, reason) => sendJSON('POST', `/api/tasks/${encodeURIComponent(id)}/reports/${encodeURIComponent(month)}/review`, { decision, reason }),
  taskEvidence: (id, o) => getJSON(`/api/tasks/${encodeURIComponent(id)}/evidence`, o),
  uploadTaskEvidence: (id, file, month) => {
    const form = new FormData();
    form.append('file', file, file.name);
    return request('POST', `/api/tasks/${encodeURIComponent(id)}/evidence${query({ month })}`, { body: form });
  },
  departments: (o) => getJSON('/api/departments', o),
  createDepartment: (body) => sendJSON('POST', '/api/departments', body),
  updateDepartment: (id, change) => sendJSON('PATCH', `/api/departments/${encodeURIComponent(id)}`, change),
  auditExportUrl: (filters = {}) => `/api/audit/export.xlsx${query(filters)}`,
};

// Planner tools (siting check page): POST bodies, JSON or file answers.
const send = (path, o = {}) => request('POST', path, o);

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

// The planner's workspace (js/workspace.js and its modules): imports sent as multipart `file`, exports as links.
function fileForm(file) {
  const form = new FormData();
  form.append('file', file, file.name);
  return form;
}

export const workspaceApi = {
  /** Preview (apply: true writes) a boundary file: {layer, crs, name_column, encoding, source_layer, remove_missing}. */
  importBoundaries: (file, params = {}) => send(`/api/imports/boundaries${query(params)}`, { body: fileForm(file) }),
  /** Applied boundary imports, newest first. */
  boundaryImports: (layer, o) => getJSON(`/api/imports/boundaries${query({ layer })}`, o),
  /** Each project's district, zones and bases by the boundaries valid at `at` (ISO time). */
  sitingAsOf: (at, o) => getJSON(`/api/siting/as-of${query({ at })}`, o),
  /** Check (apply / allow_partial: write) a register: {coords, crs, allow_partial, apply}. */
  importRegister: (file, params = {}) => send(`/api/imports/projects${query(params)}`, { body: fileForm(file) }),
  /** The register's row-level error report as an Excel Blob. */
  registerReport: (file, params = {}) => send(`/api/imports/projects${query({ ...params, apply: false, report: 'xlsx' })}`, { body: fileForm(file), as: 'blob' }),
  exportProjectsUrl: (filters, format) => `/api/exports/projects${filterQuery(filters)}${filterQuery(filters) ? '&' : '?'}format=${encodeURIComponent(format)}`,
  exportLayerUrl: (layer, format) => `/api/exports/layers/${encodeURIComponent(layer)}?format=${encodeURIComponent(format)}`,
  offlineMapUrl: (district) => `/api/exports/map${query({ district })}`,
  quarterlyBulletinUrl: (quarter, fmt) => `/api/reports/quarterly/${encodeURIComponent(quarter)}.${fmt}`,
};

// Problems to coordinate (问题清单: js/problems-common.js and the modules using it).
export const problemsApi = {
  /** {as_of, count, open, overdue, by_district, problems}; filters: district, status, overdue, project, month */
  list: (params = {}, o) => getJSON(`/api/problems${query(params)}`, o),
  create: (body) => sendJSON('POST', '/api/problems', body),
  update: (id, change) => sendJSON('PATCH', `/api/problems/${encodeURIComponent(id)}`, change),
  transition: (id, to, note) => sendJSON('POST', `/api/problems/${encodeURIComponent(id)}/transition`, { to, note }),
};

// The project library edited in the browser (js/project-edit.js, js/project-history.js).
const projectPath = (id, rest = '') => `/api/projects/${encodeURIComponent(id)}${rest}`;
export const projectApi = {
  /** body: the fields (amounts as text, exact), lon/lat, coords (wgs84 | gcj02); answers {project, version} */
  create: (body) => sendJSON('POST', '/api/projects', body),
  update: (id, body) => sendJSON('PATCH', projectPath(id), body),
  retire: (id, reason, month) => sendJSON('POST', projectPath(id, '/retire'), { reason, month: month || null }),
  restore: (id, reason) => sendJSON('POST', projectPath(id, '/restore'), { reason: reason || null }),
  history: (id, o) => getJSON(projectPath(id, '/history'), o),
  propose: (id, body) => sendJSON('POST', projectPath(id, '/proposals'), body),
  proposals: (id, state, o) => getJSON(projectPath(id, `/proposals${query({ state })}`), o),
  pendingProposals: (o) => getJSON('/api/project-proposals', o),
  decide: (id, proposalId, decision, reason) => sendJSON('POST', projectPath(id, `/proposals/${encodeURIComponent(proposalId)}/decision`), { decision, reason: reason || null }),
};

// A project's work plan (js/workplan.js): the monthly plan, milestones with their evidence, the responsible leader.
const planPath = (id, rest) => `/api/projects/${encodeURIComponent(id)}/${rest}`;
const milestonePath = (id, mid, rest = '') => planPath(id, `milestones/${encodeURIComponent(mid)}${rest}`);

export const workplanApi = {
  plan: (id, year, o) => getJSON(planPath(id, `plan${query({ year })}`), o),
  putPlan: (id, year, months) => sendJSON('PUT', planPath(id, `plan${query({ year })}`), { months }),
  milestones: (id, o) => getJSON(planPath(id, 'milestones'), o),
  addMilestone: (id, body) => sendJSON('POST', planPath(id, 'milestones'), body),
  updateMilestone: (id, mid, change) => sendJSON('PATCH', milestonePath(id, mid), change),
  deleteMilestone: (id, mid) => request('DELETE', milestonePath(id, mid), { as: 'blob' }),
  /** Attach a PDF/Office file as the milestone's evidence; answers the project's milestones. */
  attachDocument: (id, mid, file) => {
    const form = new FormData();
    form.append('file', file, file.name);
    return request('PUT', milestonePath(id, mid, '/document'), { body: form });
  },
  documentUrl: (id, mid) => milestonePath(id, mid, '/document'),
  photoUrl: (photoId) => `/api/photos/${encodeURIComponent(photoId)}/display`,
  putLeader: (id, leader) => sendJSON('PUT', planPath(id, 'leader'), leader),
};

// 观摩 tours (js/tours.js): the list, one tour, making one from filters or picked projects, its stops and scores.
export const tourApi = {
  list: (o) => getJSON('/api/tours', o),
  get: (id, o) => getJSON(`/api/tours/${encodeURIComponent(id)}`, o),
  /** body: {name, date, note, start, project_ids?}; without project_ids the filters (map's, plus light) choose. */
  create: (body, filters = {}) => request('POST', `/api/tours${query(filters)}`, { json: body }),
  setStops: (id, projectIds, optimise = false) => sendJSON('PUT', `/api/tours/${encodeURIComponent(id)}/stops`, { project_ids: projectIds, optimise }),
  putScores: (id, scorer, scores) => sendJSON('PUT', `/api/tours/${encodeURIComponent(id)}/scores`, { scorer, scores }),
  itineraryUrl: (id) => `/api/tours/${encodeURIComponent(id)}/itinerary.pdf`,
  scoresheetUrl: (id, fmt) => `/api/tours/${encodeURIComponent(id)}/scoresheet.${fmt}`,
};

// The assessment (考核, js/assessment*.js): league tables, one unit's breakdown and trend, the Excel export.
export const assessmentApi = {
  /** {kind, period, weights, note, units: [{rank, name, score, movement, criteria}], red, black} */
  league: (period, kind, o) => getJSON(`/api/assessment${query({ period, kind })}`, o),
  unit: (kind, name, period, o) => getJSON(`/api/assessment/${encodeURIComponent(kind)}/${encodeURIComponent(name)}${query({ period })}`, o),
  xlsxUrl: (period, kind) => `/api/assessment.xlsx${query({ period, kind })}`,
};

// 推进手册 (js/manual-links.js): the task manual (by category) and the project manual (by district), pdf or xlsx.
export const manualApi = {
  url: (kind, fmt, filters = {}) => `/api/manuals/${encodeURIComponent(kind)}.${encodeURIComponent(fmt)}${query(filters)}`,
};
