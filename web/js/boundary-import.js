// The workspace's boundary import: choose the file and, when the file cannot say them, its layer, name column and
// CRS; preview added / changed (area change) / kept / removed features on a map with the repairs made; apply in one
// transaction (deleting what the file lacks only when asked, after a confirm); the imports so far with the siting
// before each (/api/siting/as-of).
import * as L from 'leaflet';
import { api, workspaceApi } from './api.js';
import { t, nameOf, onLangChange } from './i18n.js';
import { toast, showError } from './toast.js';
import { h, fill } from './dom.js';
import { hoverTooltip } from './map-text.js';
import { LAYER_KEYS } from './i18n-workspace.js';

const ACTIONS = ['added', 'changed', 'unchanged', 'kept', 'removed'];
const STYLE = {
  added: { color: '#15803d', fillColor: '#22c55e', fillOpacity: 0.35, weight: 2 },
  changed: { color: '#c2410c', fillColor: '#f97316', fillOpacity: 0.35, weight: 2 },
  kept: { color: '#6b7280', fillColor: '#9ca3af', fillOpacity: 0.12, weight: 1, dashArray: '4 4' },
  removed: { color: '#b91c1c', fillColor: '#ef4444', fillOpacity: 0.3, weight: 2, dashArray: '6 3' },
};
const km2 = (v) => (v == null ? '' : Number(v).toFixed(2));
const signed = (v) => (v == null ? '' : `${v > 0 ? '+' : ''}${Number(v).toFixed(2)}`);

export function mountBoundaryImport(root, { meta }) {
  const $ = (sel) => root.querySelector(sel);
  const layerSelect = $('[data-testid=bnd-layer]');
  const fileInput = $('[data-testid=bnd-file]');
  const sourceLayer = $('[data-testid=bnd-source-layer]');
  const nameColumn = $('[data-testid=bnd-name-column]');
  const crs = $('[data-testid=bnd-crs]');
  const encoding = $('[data-testid=bnd-encoding]');
  const remove = $('[data-testid=bnd-remove]');
  const previewBtn = $('[data-testid=bnd-preview]');
  const applyBtn = $('[data-testid=bnd-apply]');
  const status = $('[data-testid=bnd-status]');
  const problems = $('[data-testid=bnd-problems]');
  const changes = $('[data-testid=bnd-changes]');
  const history = $('[data-testid=bnd-history]');
  const asOf = $('[data-testid=bnd-as-of]');
  let file = null;
  let last = null; // the preview the apply button would write: {params, body}

  const map = L.map($('[data-testid=bnd-map]'), { minZoom: 7, maxZoom: 16 });
  const b = meta.bounds;
  map.fitBounds([[b[1], b[0]], [b[3], b[2]]]);
  const tip = hoverTooltip(map);
  const preview = L.geoJSON(null, {
    style: (f) => STYLE[f.properties.action] || STYLE.kept,
    onEachFeature: (f, layer) => tip.attach(layer, () => `${nameOf(f.properties.name)} · ${t(`ws.act.${f.properties.action}`)}`
      + (f.properties.area_change_km2 ? ` · ${signed(f.properties.area_change_km2)} km²` : '')),
  }).addTo(map);
  api.layer('districts').then((d) => L.geoJSON(d, { interactive: false,
    style: { color: '#9ca3af', weight: 1, fillColor: '#f3f4f6', fillOpacity: 0.5 } }).addTo(map).bringToBack()).catch(showError);
  root.warroomMap = map; // for browser tests

  function options(select, values, chosen) {
    fill(select, h('option', { value: '' }, t('ws.bnd.auto')), values.map((v) => h('option', { value: v }, v)));
    select.value = values.includes(chosen) ? chosen : '';
  }

  function params() {
    return {
      layer: layerSelect.value,
      source_layer: sourceLayer.value || null,
      name_column: nameColumn.value || null,
      crs: crs.value.trim() || null,
      encoding: encoding.value || null,
      remove_missing: remove.checked,
    };
  }

  function invalidate() {
    last = null;
    applyBtn.disabled = true;
  }

  function renderPreview(body) {
    const c = body.counts;
    root.dataset.added = c.added; root.dataset.changed = c.changed; root.dataset.kept = c.kept; root.dataset.removed = c.removed;
    fill(status, h('b', { dataset: { testid: 'bnd-counts' } }, t('ws.bnd.counts', c)), ' ',
      h('span', { class: 'muted' }, t('ws.bnd.crsOf', { crs: body.source_crs })));
    if ((body.file_layers || []).length > 1) { options(sourceLayer, body.file_layers, body.file_layer); sourceLayer.closest('label').hidden = false; }
    options(nameColumn, body.columns || [], body.name_column);
    fill(problems, body.repaired.length ? [h('h3', {}, t('ws.bnd.repaired')), h('ul', {},
      body.repaired.map((r) => h('li', { dataset: { testid: 'bnd-repaired' } }, `#${r.feature} ${r.name}: ${r.message}`)))] : []);
    const order = (a) => ACTIONS.indexOf(a.action);
    fill(changes, h('table', { class: 'admin-table' },
      h('thead', {}, h('tr', {}, ['action', 'code', 'name', 'before', 'after', 'delta'].map((k) => h('th', {}, t(`ws.col.${k}`))))),
      h('tbody', {}, [...body.changes].sort((a, b2) => order(a) - order(b2)).map((ch) => h('tr', {
        class: `bnd-${ch.action}`, dataset: { testid: 'bnd-change', action: ch.action, name: ch.name } },
      h('td', {}, t(`ws.act.${ch.action}`)), h('td', {}, ch.code || ''), h('td', {}, nameOf(ch.name)),
      h('td', { class: 'num' }, km2(ch.area_km2_before)), h('td', { class: 'num' }, km2(ch.area_km2_after)),
      h('td', { class: 'num' }, signed(ch.area_change_km2)))))));
    preview.clearLayers();
    preview.addData(body.preview);
    if (preview.getLayers().length) map.fitBounds(preview.getBounds(), { padding: [10, 10] });
  }

  function renderProblem(err) {
    const errors = Array.isArray(err.errors) ? err.errors : [];
    for (const e of errors) {
      if (e.field === 'name_column' && e.allowed) { options(nameColumn, e.allowed, ''); nameColumn.focus(); }
      if (e.field === 'source_layer' && e.allowed) { options(sourceLayer, e.allowed, ''); sourceLayer.closest('label').hidden = false; }
      if (e.field === 'crs') crs.focus();
    }
    fill(status, h('span', { class: 'field-error', dataset: { testid: 'bnd-error' } }, err.detail || err.message), ' ',
      h('span', { class: 'muted' }, t('ws.bnd.fixError')));
    fill(problems, h('ul', {}, errors.map((e) => h('li', { dataset: { testid: 'bnd-problem' } },
      [e.feature && `#${e.feature}`, e.name, e.field, e.message].filter(Boolean).join(' · ')))));
    fill(changes);
    preview.clearLayers();
  }

  let previewSeq = 0;
  async function runPreview() {
    if (!file) { toast(t('ws.bnd.needFile')); return; }
    invalidate();
    root.dataset.state = 'loading';
    const p = params();
    // Only the latest choice's answer is shown: an earlier answer arriving late (the CRS field's change fires again
    // when the name-column box takes the focus) must not undo the column just chosen.
    const seq = ++previewSeq;
    try {
      const body = await workspaceApi.importBoundaries(file, { ...p, apply: false });
      if (seq !== previewSeq) return;
      last = { params: p, body };
      renderPreview(body);
      const c = body.counts;
      applyBtn.disabled = !(c.added || c.changed || c.removed);
      root.dataset.state = 'preview';
    } catch (err) {
      if (seq !== previewSeq) return;
      if (err.status === 422) renderProblem(err); else showError(err);
      root.dataset.state = 'error';
    }
  }

  async function runApply() {
    if (!last) return;
    const c = last.body.counts;
    const layerName = t(`ws.layer.${last.params.layer}`);
    if (c.removed) {
      const names = last.body.changes.filter((ch) => ch.action === 'removed').map((ch) => ch.name).join('、');
      if (!window.confirm(t('ws.bnd.confirmRemove', { n: c.removed, names }))) return;
    } else if (!window.confirm(t('ws.bnd.confirmApply', { n: c.added + c.changed, layer: layerName }))) return;
    applyBtn.disabled = true;
    root.dataset.state = 'loading';
    try {
      const body = await workspaceApi.importBoundaries(file, { ...last.params, apply: true });
      renderPreview(body);
      toast(t('ws.bnd.applied', { layer: layerName, counts: t('ws.bnd.counts', body.counts), p: body.projects_resited }), { kind: 'info', timeout: 6000 });
      last = null;
      root.dataset.state = 'applied';
      await loadHistory();
    } catch (err) {
      showError(err);
      root.dataset.state = 'error';
    }
  }

  async function showAsOf(entry) {
    const at = new Date(new Date(entry.imported_at).getTime() - 1).toISOString();
    fill(asOf, h('p', { class: 'muted' }, '…'));
    try {
      const [before, now] = await Promise.all([workspaceApi.sitingAsOf(at), workspaceApi.sitingAsOf(new Date().toISOString())]);
      const key = (p) => [p.district, (p.zones || []).join('、'), (p.bases || []).join('、')].join(' / ');
      const nowBy = new Map(now.projects.map((p) => [p.code, p]));
      const moved = before.projects.filter((p) => nowBy.has(p.code) && key(p) !== key(nowBy.get(p.code)));
      fill(asOf, h('h3', {}, t('ws.bnd.asOfTitle', { at: entry.imported_at.slice(0, 19).replace('T', ' ') })),
        h('p', { dataset: { testid: 'bnd-as-of-summary', moved: moved.length } }, moved.length ? t('ws.bnd.asOfMoved', { n: moved.length }) : t('ws.bnd.asOfSame')),
        moved.length ? h('table', { class: 'admin-table' },
          h('thead', {}, h('tr', {}, ['project', 'before2', 'now'].map((k) => h('th', {}, t(`ws.col.${k}`))))),
          h('tbody', {}, moved.slice(0, 200).map((p) => h('tr', {}, h('td', {}, p.code), h('td', {}, key(p)), h('td', {}, key(nowBy.get(p.code))))))) : null);
    } catch (err) { showError(err); }
  }

  async function loadHistory() {
    let rows = [];
    try { rows = await workspaceApi.boundaryImports(); } catch (err) { showError(err); return; }
    if (!rows.length) { fill(history, h('p', { class: 'muted' }, t('ws.bnd.noHistory'))); return; }
    fill(history, h('table', { class: 'admin-table' },
      h('thead', {}, h('tr', {}, ['when', 'layer', 'file', 'action', 'by'].map((k) => h('th', {}, t(`ws.col.${k}`))), h('th', {}))),
      h('tbody', {}, rows.map((r) => h('tr', { dataset: { testid: 'bnd-history-row', layer: r.layer } },
        h('td', {}, r.imported_at.slice(0, 19).replace('T', ' ')), h('td', {}, LAYER_KEYS.includes(r.layer) ? t(`ws.layer.${r.layer}`) : r.layer),
        h('td', {}, r.filename), h('td', {}, t('ws.bnd.counts', { added: 0, changed: 0, unchanged: 0, kept: 0, removed: 0, ...r.summary })),
        h('td', {}, r.imported_by || ''),
        h('td', {}, h('button', { type: 'button', class: 'btn btn-small', dataset: { testid: 'bnd-as-of-button' }, onclick: () => showAsOf(r) }, t('ws.bnd.asOf'))))))));
  }

  function pick(f) {
    file = f || null;
    $('[data-testid=bnd-file-name]').textContent = file ? file.name : '';
    options(sourceLayer, [], '');
    sourceLayer.closest('label').hidden = true;
    options(nameColumn, [], '');
    invalidate();
    if (file) runPreview();
  }

  fileInput.addEventListener('change', () => pick(fileInput.files[0]));
  const drop = $('[data-testid=bnd-drop]');
  drop.addEventListener('dragover', (e) => { e.preventDefault(); drop.classList.add('over'); });
  drop.addEventListener('dragleave', () => drop.classList.remove('over'));
  drop.addEventListener('drop', (e) => { e.preventDefault(); drop.classList.remove('over'); pick(e.dataTransfer.files[0]); });
  for (const el of [layerSelect, sourceLayer, nameColumn, encoding, crs]) el.addEventListener('change', () => { invalidate(); if (file) runPreview(); });
  remove.addEventListener('change', () => {
    $('[data-testid=bnd-remove-warning]').hidden = !remove.checked;
    invalidate();
    if (file) runPreview();
  });
  previewBtn.addEventListener('click', runPreview);
  applyBtn.addEventListener('click', runApply);
  onLangChange(() => { if (last) renderPreview(last.body); loadHistory(); });
  options(nameColumn, [], '');
  invalidate();
  return loadHistory();
}
