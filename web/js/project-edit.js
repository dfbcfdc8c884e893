// The project library in the browser: 新建项目 (click the map, drag the pin, the siting answer shown live),
// the card's 编辑 form (drag the point), 退库 / 恢复入库 with a confirmation, reporters' 提议修改 on their own
// district's projects, and planners' decisions on proposals. Saving emits `warroom:project-saved` on window
// ({projectId}) so the map reloads and opens the project.
import * as L from 'leaflet';
import { api, projectApi } from './api.js';
import { t, addMessages, label, nameOf } from './i18n.js';
import { h, fill } from './dom.js';
import { toast, showError } from './toast.js';
import { currentUser, userMay } from './auth.js';
import { mountProjectHistory } from './project-history.js';
import { proposalItem } from './project-proposals.js';

addMessages({
  zh: {
    'pe.new': '新建项目',
    'pe.newTitle': '新建项目',
    'pe.placeHint': '在地图上单击放置项目位置,可拖动图钉调整;也可直接输入经纬度。',
    'pe.code': '项目编号', 'pe.name': '项目名称', 'pe.district': '所属区市', 'pe.cluster': '产业集群',
    'pe.total': '总投资(亿元)', 'pe.year': '年度计划投资(亿元)', 'pe.status': '建设状态', 'pe.progress': '形象进度(%)',
    'pe.unit': '责任单位', 'pe.person': '责任人', 'pe.start': '开工日期', 'pe.end': '计划竣工日期',
    'pe.lon': '经度', 'pe.lat': '纬度', 'pe.coords': '坐标系',
    'pe.wgs84': 'WGS84(本地图、GPS)', 'pe.gcj02': 'GCJ-02(高德、腾讯地图拾取)',
    'pe.note': '修改说明',
    'pe.choose': '请选择',
    'pe.save': '保存', 'pe.cancel': '取消', 'pe.create': '新建',
    'pe.siting': '落位', 'pe.sitingNone': '放置图钉后显示所在区市、功能区和基地',
    'pe.sitingLoading': '查询落位…', 'pe.sitingGcj': 'GCJ-02 坐标在保存时换算为 WGS84 再落位',
    'pe.nearest': '最近基地 {b}({d} 米)',
    'pe.created': '已新建项目“{n}”',
    'pe.saved': '已保存“{n}”(第 {v} 版)',
    'pe.unchanged': '没有修改',
    'pe.edit': '编辑', 'pe.editTitle': '编辑项目', 'pe.dragHint': '拖动地图上的图钉可移动项目位置。',
    'pe.retire': '退库', 'pe.retireTitle': '确认退库', 'pe.retireReason': '退库原因(必填)',
    'pe.retireMonth': '自哪个月起不再统计(默认最新月份;其简报已发布时为下一个月)',
    'pe.retireHint': '退库后保留历史、调度报告和照片;自所选月份起不计入地图、汇总、看板、简报和导出,之前的月份不变。',
    'pe.retireConfirm': '确认退库', 'pe.retired': '已退库“{n}”', 'pe.retiredBanner': '已退库({m} 起)',
    'pe.retiredReason': '原因:{r}',
    'pe.restore': '恢复入库', 'pe.restoreConfirm': '确认恢复入库', 'pe.restored': '已恢复入库“{n}”',
    'pe.restoreHint': '恢复后该项目在每个月份重新计入统计。',
    'pe.propose': '提议修改', 'pe.proposeTitle': '提议修改(由规划人员审核后生效)', 'pe.proposeSend': '提交提议',
    'pe.proposed': '已提交提议,待规划人员审核',
    'pe.proposals': '待审核的修改提议',
    'pe.ownProposals': '修改提议', 'pe.state.pending': '待审核', 'pe.state.accepted': '已采纳', 'pe.state.rejected': '已驳回',
    'pe.rejectedBecause': '驳回原因:{r}',
    'pe.needReason': '请填写原因',
    'pe.retiredInMonth': '{m} 退库 {n} 个',
  },
  en: {
    'pe.new': 'New project',
    'pe.newTitle': 'New project',
    'pe.placeHint': 'Click the map to place the project, drag the pin to adjust, or type the coordinates.',
    'pe.code': 'Code', 'pe.name': 'Name', 'pe.district': 'District', 'pe.cluster': 'Cluster',
    'pe.total': 'Total investment (CNY 100 m)', 'pe.year': 'Planned this year (CNY 100 m)', 'pe.status': 'Status',
    'pe.progress': 'Progress (%)', 'pe.unit': 'Responsible unit', 'pe.person': 'Contact', 'pe.start': 'Start',
    'pe.end': 'Planned completion', 'pe.lon': 'Longitude', 'pe.lat': 'Latitude', 'pe.coords': 'Coordinates',
    'pe.wgs84': 'WGS84 (this map, GPS)', 'pe.gcj02': 'GCJ-02 (picked on Amap / Tencent maps)',
    'pe.note': 'Note on the change',
    'pe.choose': 'Choose',
    'pe.save': 'Save', 'pe.cancel': 'Cancel', 'pe.create': 'Create',
    'pe.siting': 'Siting', 'pe.sitingNone': 'Place the pin to see its district, zone and base',
    'pe.sitingLoading': 'Siting…', 'pe.sitingGcj': 'GCJ-02 coordinates are converted to WGS84 when saved',
    'pe.nearest': 'nearest base {b} ({d} m)',
    'pe.created': 'Created “{n}”',
    'pe.saved': 'Saved “{n}” (version {v})',
    'pe.unchanged': 'Nothing changed',
    'pe.edit': 'Edit', 'pe.editTitle': 'Edit project', 'pe.dragHint': 'Drag the pin on the map to move the project.',
    'pe.retire': 'Retire', 'pe.retireTitle': 'Retire the project', 'pe.retireReason': 'Reason (required)',
    'pe.retireMonth': 'First month without it (default: the latest month, or the next one once its bulletin is published)',
    'pe.retireHint': 'Its history, reports and photos stay; from that month on it leaves the map, totals, dashboard, bulletin and exports; earlier months are unchanged.',
    'pe.retireConfirm': 'Confirm retirement', 'pe.retired': 'Retired “{n}”', 'pe.retiredBanner': 'Retired (from {m})',
    'pe.retiredReason': 'Reason: {r}',
    'pe.restore': 'Restore', 'pe.restoreConfirm': 'Confirm restore', 'pe.restored': 'Restored “{n}”',
    'pe.restoreHint': 'It counts again in every month.',
    'pe.propose': 'Propose a change', 'pe.proposeTitle': 'Propose a change (a planner decides)', 'pe.proposeSend': 'Send proposal',
    'pe.proposed': 'Proposal sent; a planner will decide',
    'pe.proposals': 'Proposals awaiting a decision',
    'pe.ownProposals': 'Proposed changes', 'pe.state.pending': 'Awaiting decision', 'pe.state.accepted': 'Accepted', 'pe.state.rejected': 'Rejected',
    'pe.rejectedBecause': 'Rejected: {r}',
    'pe.needReason': 'Give the reason',
    'pe.retiredInMonth': '{m}: {n} retired',
  },
});

let map = null;
let meta = null;
let pin = null; // the one draggable pin (creating or editing)

const saved = (projectId) => window.dispatchEvent(new CustomEvent('warroom:project-saved', { detail: { projectId } }));

/** The form's fields: [name, label key, kind, attributes]. */
const FIELDS = [
  ['code', 'pe.code', 'text', { required: true, maxlength: 32 }],
  ['name', 'pe.name', 'text', { required: true, maxlength: 500 }],
  ['district', 'pe.district', 'district', { required: true }],
  ['cluster', 'pe.cluster', 'cluster', { required: true }],
  ['investment_total', 'pe.total', 'amount', { required: true }],
  ['investment_year', 'pe.year', 'amount', { required: true }],
  ['status', 'pe.status', 'status', { required: true }],
  ['progress', 'pe.progress', 'amount', {}],
  ['unit', 'pe.unit', 'text', { maxlength: 500 }],
  ['person', 'pe.person', 'text', { maxlength: 500 }],
  ['start_date', 'pe.start', 'date', {}],
  ['end_date', 'pe.end', 'date', {}],
];

function select(name, options, value, attrs) {
  return h('select', { name, ...attrs },
    h('option', { value: '' }, t('pe.choose')),
    options.map(([v, text]) => h('option', { value: v, selected: v === value }, text)));
}

function control([name, , kind, attrs], value) {
  const v = value == null ? '' : String(value);
  if (kind === 'district') return select(name, (meta.districts || []).map((d) => [d.name, label(d)]), v, attrs);
  if (kind === 'cluster') return select(name, (meta.clusters || []).map((c) => [c.name, label(c)]), v, attrs);
  if (kind === 'status') return select(name, (meta.statuses || []).map((s) => [s.code, label(s)]), v, attrs);
  // amounts stay text so they reach the server as typed: exact decimals, and "约5亿" is answered, not swallowed
  if (kind === 'amount') return h('input', { name, type: 'text', inputmode: 'decimal', value: v, autocomplete: 'off', ...attrs });
  return h('input', { name, type: kind, value: v, autocomplete: 'off', ...attrs });
}

const errorSlot = (name) => h('small', { class: 'field-error', dataset: { errorFor: name, testid: `pe-error-${name}` } });

function field(spec, value) {
  return h('label', { class: 'field' }, h('span', {}, t(spec[1])), control(spec, value), errorSlot(spec[0]));
}

/** Show each problem of a problem+json answer next to its field; the rest in a toast. */
function showProblems(form, err) {
  for (const el of form.querySelectorAll('.field-error')) el.textContent = '';
  const unplaced = (err.errors || []).filter((fe) => {
    const slot = form.querySelector(`[data-error-for="${CSS.escape(fe.field || '')}"]`);
    if (!slot) return true;
    slot.textContent = [fe.message, fe.suggestion].filter(Boolean).join(' — ');
    return false;
  });
  if (!err.errors || unplaced.length || !err.errors.length) showError(err);
}

/** The siting answer of a WGS84 point as a line of text (district · zones · bases, or the nearest base). */
async function sitingText(lon, lat) {
  const r = await api.lookup(lon, lat);
  if (r.error || r.inside_weihai === false) return r.message || r.error || '';
  const parts = [r.district && nameOf(r.district.name)];
  if (r.zones && r.zones.length) parts.push(r.zones.map((z) => nameOf(z.name)).join('、'));
  if (r.bases && r.bases.length) parts.push(r.bases.map((b) => nameOf(b.name)).join('、'));
  else if (r.nearest_base) parts.push(t('pe.nearest', { b: nameOf(r.nearest_base.name), d: Math.round(r.nearest_base.distance_m) }));
  return parts.filter(Boolean).join(' · ');
}

/** Coordinates inputs, the coords choice and the live siting line, bound to the one draggable pin. */
function locationFields(lon, lat) {
  const lonInput = h('input', { name: 'lon', type: 'text', inputmode: 'decimal', value: lon ?? '', autocomplete: 'off', dataset: { testid: 'pe-lon' } });
  const latInput = h('input', { name: 'lat', type: 'text', inputmode: 'decimal', value: lat ?? '', autocomplete: 'off', dataset: { testid: 'pe-lat' } });
  const coords = h('select', { name: 'coords', dataset: { testid: 'pe-coords' } },
    h('option', { value: 'wgs84' }, t('pe.wgs84')), h('option', { value: 'gcj02' }, t('pe.gcj02')));
  const siting = h('p', { class: 'pe-siting', dataset: { testid: 'pe-siting', state: 'none' }, 'aria-live': 'polite' }, t('pe.sitingNone'));
  let seq = 0;
  async function site() {
    seq += 1;
    const mine = seq;
    const x = Number(lonInput.value);
    const y = Number(latInput.value);
    if (coords.value === 'gcj02') { siting.dataset.state = 'gcj02'; siting.textContent = t('pe.sitingGcj'); return; }
    if (!lonInput.value || !latInput.value || !Number.isFinite(x) || !Number.isFinite(y)) return;
    siting.dataset.state = 'loading';
    siting.textContent = t('pe.sitingLoading');
    try {
      const text = await sitingText(x, y);
      if (mine !== seq) return;
      siting.textContent = text;
      siting.dataset.state = 'done';
    } catch (err) {
      if (mine !== seq) return;
      siting.textContent = err.detail || err.message;
      siting.dataset.state = 'error';
    }
  }
  function setPoint(x, y, { move = true } = {}) {
    lonInput.value = x.toFixed(6);
    latInput.value = y.toFixed(6);
    if (move) placePin(x, y, setPoint);
    site();
  }
  const typed = () => {
    const x = Number(lonInput.value);
    const y = Number(latInput.value);
    if (coords.value === 'wgs84' && Number.isFinite(x) && Number.isFinite(y) && Math.abs(y) <= 90 && Math.abs(x) <= 180) placePin(x, y, setPoint);
    site();
  };
  lonInput.addEventListener('change', typed);
  latInput.addEventListener('change', typed);
  coords.addEventListener('change', typed);
  const node = h('fieldset', { class: 'pe-location' },
    h('div', { class: 'field-row' },
      h('label', { class: 'field' }, h('span', {}, t('pe.lon')), lonInput, errorSlot('lon')),
      h('label', { class: 'field' }, h('span', {}, t('pe.lat')), latInput, errorSlot('lat'))),
    h('label', { class: 'field' }, h('span', {}, t('pe.coords')), coords),
    h('div', { class: 'pe-siting-row' }, h('b', {}, t('pe.siting')), ' ', siting));
  if (lon != null && lat != null) site();
  return { node, setPoint, site };
}

function placePin(lon, lat, onMove) {
  if (!map) return;
  if (!pin) {
    const icon = L.divIcon({ className: 'pe-pin', html: h('span', { class: 'pe-pin-head', dataset: { testid: 'pe-pin' } }), iconSize: [22, 22], iconAnchor: [11, 22] });
    // its own pane above the project markers and the selection ring, so it can always be grabbed
    if (!map.getPane('pe-pin')) map.createPane('pe-pin').style.zIndex = 660;
    pin = L.marker([lat, lon], { draggable: true, icon, pane: 'pe-pin', keyboard: true }).addTo(map);
  } else {
    pin.setLatLng([lat, lon]);
  }
  pin.off('dragend');
  pin.on('dragend', () => { const ll = pin.getLatLng(); onMove(ll.lng, ll.lat, { move: false }); });
}

function removePin() {
  if (pin) { pin.remove(); pin = null; }
}

/** The fields of a form as the API takes them; `only` keeps those that differ from `initial` (an edit). */
function formBody(form, initial = null) {
  const data = Object.fromEntries(new FormData(form).entries());
  const body = {};
  for (const [name] of FIELDS) {
    const v = (data[name] ?? '').trim();
    if (initial && v === String(initial[name] ?? '')) continue;
    body[name] = v === '' ? null : v;
  }
  const lon = (data.lon ?? '').trim();
  const lat = (data.lat ?? '').trim();
  if (!initial || lon !== String(initial.lon) || lat !== String(initial.lat)) {
    body.lon = lon === '' ? null : lon;
    body.lat = lat === '' ? null : lat;
  }
  if (data.coords && data.coords !== 'wgs84') body.coords = data.coords;
  if (data.note && data.note.trim()) body.note = data.note.trim();
  return body;
}

// ---- 新建项目 ---------------------------------------------------------------

function createBox() {
  let box = document.getElementById('project-create-box');
  if (!box) {
    box = h('section', { id: 'project-create-box', class: 'pe-box', hidden: true, dataset: { testid: 'project-create-box' }, 'aria-labelledby': 'pe-create-h' });
    (document.querySelector('.map-wrap') || document.body).append(box);
  }
  return box;
}

function openCreate() {
  const box = createBox();
  const loc = locationFields(null, null);
  const onMapClick = (e) => loc.setPoint(e.latlng.lng, e.latlng.lat);
  const close = () => {
    map.off('click', onMapClick);
    map.getContainer().classList.remove('pe-placing');
    removePin();
    box.hidden = true;
    fill(box);
  };
  const form = h('form', { class: 'pe-form', novalidate: true, dataset: { testid: 'project-create-form' } },
    FIELDS.map((spec) => field(spec, spec[0] === 'status' ? 'planning' : '')),
    loc.node,
    h('div', { class: 'pe-actions' },
      h('button', { type: 'submit', class: 'btn', dataset: { testid: 'pe-submit' } }, t('pe.create')),
      h('button', { type: 'button', class: 'btn', onclick: close }, t('pe.cancel'))));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const btn = form.querySelector('[type=submit]');
    btn.disabled = true;
    try {
      const answer = await projectApi.create(formBody(form));
      const p = answer.project.properties;
      toast(t('pe.created', { n: p.name }), { kind: 'info', timeout: 4000 });
      close();
      saved(p.id);
    } catch (err) {
      showProblems(form, err);
    } finally {
      btn.disabled = false;
    }
  });
  fill(box,
    h('h2', { id: 'pe-create-h', class: 'card-title' }, t('pe.newTitle')),
    h('p', { class: 'muted' }, t('pe.placeHint')),
    form);
  box.hidden = false;
  removePin();
  map.getContainer().classList.add('pe-placing');
  map.on('click', onMapClick);
}

/** The 新建项目 button in the header, for those who may edit the library. */
export async function initProjectEdit(theMap, theMeta) {
  map = theMap;
  meta = theMeta;
  const user = await currentUser();
  if (!userMay(meta, user, 'edit_projects')) return;
  const tools = document.querySelector('.topbar-tools');
  if (!tools || document.getElementById('project-new')) return;
  const btn = h('button', { type: 'button', id: 'project-new', class: 'btn', dataset: { testid: 'project-new' }, onclick: openCreate }, t('pe.new'));
  tools.insertBefore(btn, document.getElementById('user-box'));
}

/** "2026-11 退库 1 个" under the summary, when projects were retired in the month shown. */
export function showRetiredInMonth(summary) {
  const host = document.getElementById('summary');
  if (!host) return;
  let line = document.getElementById('summary-retired');
  if (!line) {
    line = h('p', { id: 'summary-retired', class: 'muted pe-retired-line', dataset: { testid: 'summary-retired' } });
    host.append(line);
  }
  const n = summary && summary.retired_in_month;
  line.hidden = !n;
  line.textContent = n ? t('pe.retiredInMonth', { m: summary.month, n }) : '';
}

// ---- the card -------------------------------------------------------------

/** The card's library tools: 编辑 / 退库 / 恢复入库 (planners), 提议修改 (own district's reporters), 历史, proposals. */
export async function mountProjectTools(card, feature, theMeta) {
  meta ||= theMeta; // a card opened before initProjectEdit ran (both come after the first markers)
  const section = h('section', { class: 'pe-tools', dataset: { testid: 'project-tools' } });
  card.insertBefore(section, card.querySelector('.report-slot'));
  const p = { ...feature.properties, point: feature.geometry && feature.geometry.coordinates };
  const banner = p.retired && h('p', { class: 'pe-retired', dataset: { testid: 'project-retired' } },
    t('pe.retiredBanner', { m: p.retired_month }), p.retired_reason && [' · ', t('pe.retiredReason', { r: p.retired_reason })]);
  const user = await currentUser();
  if (!meta || !user) { fill(section, banner); return; }
  const editor = userMay(meta, user, 'edit_projects');
  const proposer = !editor && userMay(meta, user, 'propose_projects') && (!user.district || user.district === p.district);
  const body = h('div', { class: 'pe-body' });
  const historySlot = h('div', { class: 'pe-history-slot' });
  const buttons = [];
  const button = (key, testid, onclick) => h('button', { type: 'button', class: 'btn btn-small', dataset: { testid }, onclick }, t(key));
  if (editor) {
    buttons.push(button('pe.edit', 'project-edit', () => openEdit(body, p, { propose: false })));
    buttons.push(p.retired_month
      ? button('pe.restore', 'project-restore', () => openRestore(body, p))
      : button('pe.retire', 'project-retire', () => openRetire(body, p)));
  } else if (proposer) {
    buttons.push(button('pe.propose', 'project-propose', () => openEdit(body, p, { propose: true })));
  }
  fill(section, banner, h('div', { class: 'pe-buttons' }, buttons), body, historySlot);
  mountProjectHistory(historySlot, p, section.querySelector('.pe-buttons'));
  if (editor) mountProposals(section, p);
  if (proposer) mountOwnProposals(section, p);
}

/** A reporter sees what became of the proposals on this project: pending, accepted, or rejected with the reason. */
async function mountOwnProposals(section, p) {
  let list;
  try { list = (await projectApi.proposals(p.id)).proposals; } catch { return; }
  if (!list.length) return;
  const items = list.slice(-5).reverse().map((pr) => h('li', { class: 'pe-proposal', dataset: { testid: 'own-proposal', state: pr.state } },
    h('b', {}, t(`pe.state.${pr.state}`)), ` · ${pr.proposed_at.slice(0, 10)} · `,
    pr.preview.map((c) => c.label).join('、'),
    pr.state === 'rejected' && pr.reason && h('p', { class: 'review-reason' }, t('pe.rejectedBecause', { r: pr.reason }))));
  section.append(h('div', { class: 'pe-proposals' }, h('h3', {}, t('pe.ownProposals')), h('ul', {}, items)));
}

function closeBody(body) {
  removePin();
  fill(body);
}

function openEdit(body, p, { propose }) {
  const [lon, lat] = p.point;
  const initial = {
    code: p.code, name: p.name, district: p.declared_district || p.district, cluster: p.cluster,
    investment_total: p.investment_total, investment_year: p.investment_year,
    // the library's own figures; the card's status and progress are those of the month shown
    status: p.library_status ?? p.status, progress: p.library_progress ?? p.progress,
    unit: p.unit, person: p.person, start_date: p.start_date, end_date: p.end_date,
    lon: Number(lon).toFixed(6), lat: Number(lat).toFixed(6),
  };
  const loc = locationFields(initial.lon, initial.lat);
  placePin(Number(lon), Number(lat), loc.setPoint);
  const form = h('form', { class: 'pe-form', novalidate: true, dataset: { testid: propose ? 'project-propose-form' : 'project-edit-form' } },
    h('h3', {}, t(propose ? 'pe.proposeTitle' : 'pe.editTitle')),
    h('p', { class: 'muted' }, t('pe.dragHint')),
    FIELDS.map((spec) => field(spec, initial[spec[0]])),
    loc.node,
    h('label', { class: 'field' }, h('span', {}, t('pe.note')), h('input', { name: 'note', type: 'text', maxlength: 1000 })),
    h('div', { class: 'pe-actions' },
      h('button', { type: 'submit', class: 'btn', dataset: { testid: 'pe-save' } }, t(propose ? 'pe.proposeSend' : 'pe.save')),
      h('button', { type: 'button', class: 'btn', onclick: () => closeBody(body) }, t('pe.cancel'))));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const change = formBody(form, initial);
    const btn = form.querySelector('[type=submit]');
    btn.disabled = true;
    try {
      if (propose) {
        await projectApi.propose(p.id, change);
        toast(t('pe.proposed'), { kind: 'info', timeout: 4000 });
        closeBody(body);
        saved(p.id);
        return;
      }
      const answer = await projectApi.update(p.id, change);
      toast(answer.version ? t('pe.saved', { n: answer.project.properties.name, v: answer.version.version }) : t('pe.unchanged'), { kind: 'info', timeout: 4000 });
      closeBody(body);
      saved(p.id);
    } catch (err) {
      showProblems(form, err);
    } finally {
      btn.disabled = false;
    }
  });
  fill(body, form);
}

function openRetire(body, p) {
  const reason = h('input', { name: 'reason', type: 'text', required: true, maxlength: 1000, dataset: { testid: 'retire-reason' } });
  const month = h('input', { name: 'month', type: 'month', dataset: { testid: 'retire-month' } });
  const form = h('form', { class: 'pe-form pe-confirm', novalidate: true, dataset: { testid: 'project-retire-form' } },
    h('h3', {}, t('pe.retireTitle')),
    h('p', { class: 'muted' }, t('pe.retireHint')),
    h('label', { class: 'field' }, h('span', {}, t('pe.retireReason')), reason, errorSlot('reason')),
    h('label', { class: 'field' }, h('span', {}, t('pe.retireMonth')), month, errorSlot('month')),
    h('div', { class: 'pe-actions' },
      h('button', { type: 'submit', class: 'btn btn-danger', dataset: { testid: 'retire-confirm' } }, t('pe.retireConfirm')),
      h('button', { type: 'button', class: 'btn', onclick: () => closeBody(body) }, t('pe.cancel'))));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    if (!reason.value.trim()) { form.querySelector('[data-error-for=reason]').textContent = t('pe.needReason'); return; }
    try {
      await projectApi.retire(p.id, reason.value.trim(), month.value);
      toast(t('pe.retired', { n: p.name }), { kind: 'info', timeout: 4000 });
      closeBody(body);
      saved(p.id);
    } catch (err) {
      showProblems(form, err);
    }
  });
  fill(body, form);
  reason.focus();
}

function openRestore(body, p) {
  const form = h('form', { class: 'pe-form pe-confirm', novalidate: true, dataset: { testid: 'project-restore-form' } },
    h('p', { class: 'muted' }, t('pe.restoreHint')),
    h('div', { class: 'pe-actions' },
      h('button', { type: 'submit', class: 'btn', dataset: { testid: 'restore-confirm' } }, t('pe.restoreConfirm')),
      h('button', { type: 'button', class: 'btn', onclick: () => closeBody(body) }, t('pe.cancel'))));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    try {
      await projectApi.restore(p.id);
      toast(t('pe.restored', { n: p.name }), { kind: 'info', timeout: 4000 });
      closeBody(body);
      saved(p.id);
    } catch (err) {
      showProblems(form, err);
    }
  });
  fill(body, form);
}

/** A planner's view of the project's pending proposals, each with its before → after and 采纳 / 驳回. */
async function mountProposals(section, p) {
  let list;
  try { list = (await projectApi.proposals(p.id, 'pending')).proposals; } catch { return; }
  if (!list.length) return;
  section.append(h('div', { class: 'pe-proposals' }, h('h3', {}, t('pe.proposals')),
    h('ul', {}, list.map((pr) => proposalItem(pr, { onDecided: () => saved(p.id) })))));
}
