// The outbox (issue 16): photos made offline, or whose send failed, are kept in IndexedDB with their project, month,
// caption and the phone's own position, shown with their state (待发送 / 发送中 / 已发送 / 被拒绝 with the server's
// reason), and sent again when the connection returns, when the app opens and every half minute while any wait.
// Each item carries its own Idempotency-Key, so a resend after a lost answer gets the first answer, never a second
// photo nor a false 409. Only what the server refused (413, 415, 422, a true duplicate 409, a 403 for another
// district) stops; a network error, a 5xx, a 429 or an expired sign-in (401) keeps the item waiting.
import { openDB } from 'idb';
import { api } from './api.js';

const DB = 'warroom-outbox';
const STORE = 'items';
const RETRY_MS = 30_000;
let dbp = null;
let flushing = null;
const sendingHere = new Set(); // ids this page is sending right now (a 发送中 left by a closed page is not)

function db() {
  dbp ||= openDB(DB, 1, {
    upgrade(d) { d.createObjectStore(STORE, { keyPath: 'id' }).createIndex('project', 'projectId'); },
  });
  return dbp;
}

/** A new item's id, which is also its Idempotency-Key. */
export function newKey() {
  if (crypto.randomUUID) return `ob-${crypto.randomUUID()}`;
  const b = crypto.getRandomValues(new Uint8Array(16));
  return `ob-${[...b].map((x) => x.toString(16).padStart(2, '0')).join('')}`;
}

function changed(item) {
  window.dispatchEvent(new CustomEvent('warroom:outbox', { detail: { item } }));
}

async function save(item) {
  await (await db()).put(STORE, item);
  changed(item);
  return item;
}

/** Keep a photo in the outbox: {projectId, projectName, file, month, caption, device, facts, asked}; returns the
 * stored item. `facts` is what the phone read from its EXIF (js/photo-facts.js), kept to be shown, never sent. */
export async function addPhoto({ id = newKey(), projectId, projectName, file, month, caption, device, facts, asked }) {
  // Ask once that the browser not evict the outbox under storage pressure (Safari and Chromium honour it).
  if (navigator.storage?.persist) navigator.storage.persist().catch(() => {});
  sendingHere.add(id); // the caller sends it right away: a flush meanwhile leaves it alone
  return save({
    id, kind: 'photo', projectId: String(projectId), projectName: projectName || '', month: month || '',
    caption: caption || '', device: device || null, facts: facts || null, asked: Boolean(asked), file, name: file.name || 'photo.jpg',
    state: 'pending', reason: '', tries: 0, createdAt: new Date().toISOString(), result: null,
  });
}

/** Keep a monthly report in the outbox: {projectId, projectName, month, body}; returns the stored item. */
export async function addReport({ id = newKey(), projectId, projectName, month, body }) {
  if (navigator.storage?.persist) navigator.storage.persist().catch(() => {});
  sendingHere.add(id);
  return save({
    id, kind: 'report', projectId: String(projectId), projectName: projectName || '', month, body,
    name: `${projectName || projectId} · ${month}`,
    state: 'pending', reason: '', tries: 0, createdAt: new Date().toISOString(), result: null,
  });
}

export async function items(projectId) {
  const all = await (await db()).getAll(STORE);
  return (projectId == null ? all : all.filter((x) => x.projectId === String(projectId)))
    .sort((a, b) => a.createdAt.localeCompare(b.createdAt));
}

export async function forget(id) { await (await db()).delete(STORE, id); changed({ id, state: 'gone' }); }

const KEEP_WAITING = (status) => status === 0 || status === 401 || status === 408 || status === 429 || status >= 500;

/** Send one item now; resolves with the server's photo, throws (err.queued = true when it keeps waiting). */
export async function send(id, { onProgress } = {}) {
  const item = await (await db()).get(STORE, id);
  if (!item) throw Object.assign(new Error('gone'), { queued: false });
  if (item.state === 'sent') return item.result;
  sendingHere.add(id);
  await save({ ...item, state: 'sending', tries: item.tries + 1 });
  try {
    const answer = item.kind === 'report'
      ? await api.putReport(item.projectId, item.month, item.body, { idempotencyKey: item.id })
      : await api.uploadPhoto(item.projectId, item.file, {
        month: item.month, caption: item.caption, device: item.device, idempotencyKey: item.id, name: item.name, onProgress,
      });
    // The bytes are on the server: the outbox keeps only the answer.
    await save({ ...item, state: 'sent', tries: item.tries + 1, reason: '', result: answer, file: null, sentAt: new Date().toISOString() });
    if (item.kind === 'report') window.dispatchEvent(new CustomEvent('warroom:report-saved', { detail: { projectId: item.projectId, month: item.month } }));
    return answer;
  } catch (err) {
    const status = err.status ?? 0;
    const waiting = KEEP_WAITING(status);
    const reason = err.detail || err.message || String(err);
    await save({ ...item, state: waiting ? 'pending' : 'rejected', tries: item.tries + 1, reason, status, errors: err.errors || null });
    err.queued = waiting;
    throw err;
  } finally {
    sendingHere.delete(id);
  }
}

/** Send everything still waiting, one at a time (a phone on one bar does better with one upload than four). */
export function flush() {
  if (flushing) return flushing;
  flushing = (async () => {
    try {
      if (navigator.onLine === false) return;
      for (const item of await items()) {
        // 发送中 from a page that was closed mid-upload is waiting again; the key makes the resend safe.
        if (sendingHere.has(item.id) || !['pending', 'sending'].includes(item.state)) continue;
        try { await send(item.id); } catch (err) { if (err.queued && (err.status ?? 0) === 0) return; }
      }
    } finally {
      flushing = null;
    }
  })();
  return flushing;
}

let started = false;
/** Retry on open, when the connection returns, and every half minute while items wait. */
export function startOutbox() {
  if (started) return;
  started = true;
  window.addEventListener('online', () => flush());
  setInterval(() => { if (document.visibilityState !== 'hidden') flush(); }, RETRY_MS);
  flush();
}
