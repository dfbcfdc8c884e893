// The tours page (观摩路线, planners): list the tours, make one from the filters or by picking projects on the map,
// see its stops in order on the map with the straight-line total, reorder them, download the itinerary and the
// scoring sheet, and enter the officials' scores. All data via api.js; all text via dom.js.
import { api, tourApi } from './api.js';
import { currentUser, mountUserBox, userMay } from './auth.js';
import { h, fill } from './dom.js';
import { t, addMessages, initI18n, toggleLang, setMeta, nameOf, codeLabel, onLangChange } from './i18n.js';
import { showError, toast } from './toast.js';
import { createTourMap } from './tour-map.js';

addMessages({
  zh: {
    'tours.title': '观摩路线',
    'tours.list': '已有路线',
    'tours.none': '还没有观摩路线。',
    'tours.new': '新建观摩路线',
    'tours.name': '名称',
    'tours.date': '日期',
    'tours.note': '组织说明',
    'tours.fromCommission': '从市发改委出发',
    'tours.byFilter': '按筛选选择项目',
    'tours.all': '全部',
    'tours.allDistricts': '全部区市',
    'tours.allClusters': '全部产业集群',
    'tours.allAreas': '全部功能区、基地',
    'tours.zones': '五区',
    'tours.bases': '九基地',
    'tours.allStatuses': '全部建设状态',
    'tours.allLights': '全部亮灯',
    'tours.latestMonth': '最新月份',
    'tours.filterCount': '筛选出 {n} 个项目(一条路线最多 30 个)',
    'tours.createFromFilter': '按筛选新建',
    'tours.pick': '在地图上挑选',
    'tours.createPicked': '按所选新建({n})',
    'tours.pickHint': '点击地图上的项目加入或移出所选。',
    'tours.notRoad': '站点顺序按直线距离排列(最近邻 + 2-opt),不是道路路线;实际行车路线和里程以道路为准。',
    'tours.total': '直线距离合计 {km} 公里 · {n} 个站点 · 项目情况截至 {month} 末',
    'tours.itinerary': '下载观摩手册 PDF',
    'tours.sheetPdf': '评分表 PDF',
    'tours.sheetXlsx': '评分表 Excel',
    'tours.optimise': '按距离重新排序',
    'tours.up': '上移',
    'tours.down': '下移',
    'tours.col.seq': '站序',
    'tours.col.name': '项目',
    'tours.col.district': '区市',
    'tours.col.leg': '距上一站(公里)',
    'tours.col.light': '亮灯',
    'tours.col.score': '加权得分',
    'tours.col.move': '调整顺序',
    'tours.scores': '录入评分',
    'tours.scorer': '评分人',
    'tours.weights': '评分标准(权重):{w}。每项按百分制打分,加权得分 = Σ 得分 × 权重 ÷ 100。',
    'tours.saveScores': '保存评分',
    'tours.saved': '已保存',
    'tours.created': '已新建观摩路线',
    'tours.needPlanner': '新建路线和录入评分需要规划人员账户。',
  },
  en: {
    'tours.title': 'Inspection tours',
    'tours.list': 'Tours',
    'tours.none': 'No tours yet.',
    'tours.new': 'New tour',
    'tours.name': 'Name',
    'tours.date': 'Date',
    'tours.note': "Organiser's note",
    'tours.fromCommission': 'Start at the commission',
    'tours.byFilter': 'Projects by filter',
    'tours.all': 'All',
    'tours.allDistricts': 'All districts',
    'tours.allClusters': 'All clusters',
    'tours.allAreas': 'All zones and bases',
    'tours.zones': 'Zones',
    'tours.bases': 'Bases',
    'tours.allStatuses': 'All statuses',
    'tours.allLights': 'All lights',
    'tours.latestMonth': 'Latest month',
    'tours.filterCount': '{n} projects match (at most 30 per tour)',
    'tours.createFromFilter': 'Create from filter',
    'tours.pick': 'Pick on the map',
    'tours.createPicked': 'Create from picked ({n})',
    'tours.pickHint': 'Click projects on the map to add or remove them.',
    'tours.notRoad': 'Stops are ordered by straight-line distance (nearest neighbour + 2-opt), not a road route; driving routes and distances follow the roads.',
    'tours.total': '{km} km in straight lines · {n} stops · project figures at the end of {month}',
    'tours.itinerary': 'Itinerary PDF',
    'tours.sheetPdf': 'Scoring sheet PDF',
    'tours.sheetXlsx': 'Scoring sheet Excel',
    'tours.optimise': 'Reorder by distance',
    'tours.up': 'Up',
    'tours.down': 'Down',
    'tours.col.seq': 'Stop',
    'tours.col.name': 'Project',
    'tours.col.district': 'District',
    'tours.col.leg': 'From previous (km)',
    'tours.col.light': 'Light',
    'tours.col.score': 'Weighted score',
    'tours.col.move': 'Order',
    'tours.scores': 'Enter scores',
    'tours.scorer': 'Scored by',
    'tours.weights': 'Criteria (weights): {w}. Each scored out of 100; weighted score = Σ score × weight ÷ 100.',
    'tours.saveScores': 'Save scores',
    'tours.saved': 'Saved',
    'tours.created': 'Tour created',
    'tours.needPlanner': 'Creating tours and entering scores needs a planner account.',
  },
});

const $ = (id) => document.getElementById(id);
const MAX_STOPS = 30;

function options(select, allLabel, items) {
  fill(select, h('option', { value: '' }, allLabel), items.map(([value, text]) => h('option', { value }, text)));
}

function filters() {
  const [kind, area] = $('tour-area').value.split(':'); // "zone:…" or "base:…", as the map's area selector
  return {
    district: $('tour-district').value, cluster: $('tour-cluster').value, status: $('tour-status').value,
    zone: kind === 'zone' ? area : '', base: kind === 'base' ? area : '',
    light: $('tour-light').value, month: $('tour-month').value,
  };
}

async function boot() {
  initI18n();
  document.title = t('tours.title');
  $('lang-toggle').addEventListener('click', toggleLang);
  mountUserBox($('user-box'));
  const meta = await api.meta();
  setMeta(meta);
  const user = await currentUser();
  const mayPlan = userMay(meta, user, 'plan_tours');
  const tmap = await createTourMap($('tour-map'), meta);
  window.warroomTours = { map: tmap.map }; // for browser tests (web/README.md)

  let tour = null;
  let features = [];
  const picked = new Set();
  let picking = false;

  function fillFilters() {
    options($('tour-district'), t('tours.allDistricts'), meta.districts.map((d) => [d.name, nameOf(d.name)]));
    options($('tour-cluster'), t('tours.allClusters'), meta.clusters.map((c) => [c.name, nameOf(c.name)]));
    fill($('tour-area'), h('option', { value: '' }, t('tours.allAreas')),
      h('optgroup', { label: t('tours.zones') }, (meta.zones || []).map((z) => h('option', { value: `zone:${z.name}` }, nameOf(z.name)))),
      h('optgroup', { label: t('tours.bases') }, (meta.bases || []).map((b) => h('option', { value: `base:${b.name}` }, nameOf(b.name)))));
    options($('tour-status'), t('tours.allStatuses'), meta.statuses.map((s) => [s.code, codeLabel('statuses', s.code)]));
    options($('tour-light'), t('tours.allLights'), meta.lights.map((l) => [l.code, codeLabel('lights', l.code)]));
    options($('tour-month'), t('tours.latestMonth'), (meta.report_months || []).map((m) => [m, m]));
  }

  function pickedLabel() {
    $('tour-create-picked').textContent = t('tours.createPicked', { n: picked.size });
    $('tour-create-picked').disabled = !picked.size || !mayPlan;
  }

  function drawCandidates() {
    tmap.showProjects(features, picked, (id) => {
      if (!picking) return;
      if (picked.has(id)) picked.delete(id); else picked.add(id);
      pickedLabel();
      drawCandidates();
    });
  }

  let candidatesSeq = 0;
  async function loadCandidates() {
    const f = filters();
    const seq = ++candidatesSeq;
    const res = await api.projects({ district: f.district, cluster: f.cluster, zone: f.zone, base: f.base, status: f.status, month: f.month });
    if (seq !== candidatesSeq) return; // a later filter change is under way: an older answer must not overwrite it
    features = res.features.filter((x) => !f.light || x.properties.light === f.light);
    $('tour-filter-count').textContent = t('tours.filterCount', { n: features.length });
    $('tour-filter-count').dataset.count = String(features.length);
    $('tour-filter-count').dataset.query = new URLSearchParams(f).toString(); // which filters the count is of
    $('tour-create-filter').disabled = !mayPlan || !features.length || features.length > MAX_STOPS;
    drawCandidates();
  }

  async function loadList(selected) {
    const tours = await tourApi.list();
    fill($('tour-list'), tours.length ? tours.map((x) => h('li', {
      dataset: { testid: 'tour-item', id: x.id }, 'aria-current': String(tour?.id === x.id),
      onclick: () => open(x.id),
    }, `${x.date} ${x.name}`, h('span', { class: 'muted' }, ` · ${x.stops}`))) : h('li', { class: 'muted' }, t('tours.none')));
    if (selected) await open(selected);
  }

  function link(href, key, testid) {
    return h('a', { class: 'btn', href, download: '', dataset: { testid } }, t(key));
  }

  async function reorder(ids, optimise = false) {
    try {
      tour = await tourApi.setStops(tour.id, ids, optimise);
      renderTour();
    } catch (err) { showError(err); }
  }

  function move(i, by) {
    const ids = tour.stops.map((s) => s.project_id);
    const j = i + by;
    if (j < 0 || j >= ids.length) return;
    [ids[i], ids[j]] = [ids[j], ids[i]];
    reorder(ids);
  }

  function scoreForm() {
    const given = new Map(tour.scores.map((s) => [`${s.scorer}|${s.project_id}|${s.criterion}`, s.score]));
    const scorer = h('input', { id: 'tour-scorer', maxlength: '50', required: true, dataset: { testid: 'tour-scorer' } });
    const inputs = [];
    const rows = tour.stops.map((s) => h('tr', {},
      h('td', {}, String(s.seq)), h('td', {}, s.name),
      tour.criteria.map((c) => {
        const input = h('input', { type: 'number', min: '0', max: '100', step: '0.5', dataset: { project: s.project_id, criterion: c.name, testid: 'tour-score-input' } });
        inputs.push(input);
        return h('td', {}, input);
      })));
    // Typing a known scorer's name shows what they gave, so a correction starts from it.
    scorer.addEventListener('change', () => {
      for (const input of inputs) {
        const v = given.get(`${scorer.value.trim()}|${input.dataset.project}|${input.dataset.criterion}`);
        input.value = v == null ? '' : String(v);
      }
    });
    const save = async (e) => {
      e.preventDefault();
      const scores = inputs.filter((i) => i.value !== '').map((i) => ({
        project_id: Number(i.dataset.project), criterion: i.dataset.criterion, score: Number(i.value),
      }));
      try {
        tour = await tourApi.putScores(tour.id, scorer.value, scores);
        toast(t('tours.saved'), { kind: 'info', timeout: 3000 });
        renderTour();
      } catch (err) { showError(err); }
    };
    return h('form', { class: 'tour-scores', dataset: { testid: 'tour-score-form' }, onsubmit: save },
      h('h3', {}, t('tours.scores')),
      h('p', { class: 'muted' }, t('tours.weights', { w: tour.criteria.map((c) => `${c.name} ${c.weight}`).join('、') })),
      h('label', {}, `${t('tours.scorer')} `, scorer),
      h('table', { class: 'tour-table' },
        h('thead', {}, h('tr', {}, h('th', {}, t('tours.col.seq')), h('th', {}, t('tours.col.name')),
          tour.criteria.map((c) => h('th', {}, `${c.name}(${c.weight})`)))),
        h('tbody', {}, rows)),
      h('button', { type: 'submit', class: 'btn', dataset: { testid: 'tour-save-scores' } }, t('tours.saveScores')));
  }

  function renderTour() {
    const el = $('tour-detail');
    el.hidden = !tour;
    if (!tour) return;
    el.dataset.tourId = String(tour.id);
    const stops = tour.stops.map((s, i) => h('tr', { dataset: { testid: 'tour-stop', projectId: s.project_id } },
      h('td', {}, String(s.seq)), h('td', {}, s.name), h('td', {}, nameOf(s.district)),
      h('td', {}, s.leg_km.toFixed(1)), h('td', {}, codeLabel('lights', s.light)),
      h('td', {}, s.score == null ? '–' : s.score.toFixed(2)),
      h('td', {}, mayPlan ? [
        h('button', { type: 'button', class: 'btn btn-small', disabled: i === 0, onclick: () => move(i, -1), 'aria-label': t('tours.up') }, '↑'),
        h('button', { type: 'button', class: 'btn btn-small', disabled: i === tour.stops.length - 1, onclick: () => move(i, 1), 'aria-label': t('tours.down') }, '↓'),
      ] : '')));
    fill(el,
      h('h2', { class: 'card-title' }, `${tour.name} · ${tour.date}`),
      tour.note ? h('p', {}, tour.note) : null,
      h('p', { class: 'tour-notice', dataset: { testid: 'tour-route-note' } }, t('tours.notRoad')),
      h('p', { dataset: { testid: 'tour-total', km: tour.total_km } },
        t('tours.total', { km: tour.total_km.toFixed(1), n: tour.stops.length, month: tour.month })),
      h('div', { class: 'tour-downloads' },
        link(tourApi.itineraryUrl(tour.id), 'tours.itinerary', 'tour-itinerary'),
        link(tourApi.scoresheetUrl(tour.id, 'pdf'), 'tours.sheetPdf', 'tour-sheet-pdf'),
        link(tourApi.scoresheetUrl(tour.id, 'xlsx'), 'tours.sheetXlsx', 'tour-sheet-xlsx'),
        mayPlan ? h('button', { type: 'button', class: 'btn', dataset: { testid: 'tour-optimise' },
          onclick: () => reorder(tour.stops.map((s) => s.project_id), true) }, t('tours.optimise')) : null),
      h('table', { class: 'tour-table', dataset: { testid: 'tour-stops' } },
        h('thead', {}, h('tr', {}, ['seq', 'name', 'district', 'leg', 'light', 'score', 'move'].map((k) => h('th', {}, t(`tours.col.${k}`))))),
        h('tbody', {}, stops)),
      mayPlan ? scoreForm() : null);
    tmap.showTour(tour);
    for (const li of $('tour-list').children) li.setAttribute('aria-current', String(li.dataset.id === String(tour.id)));
  }

  async function open(id) {
    try {
      tour = await tourApi.get(id);
      renderTour();
    } catch (err) { showError(err); }
  }

  async function create(projectIds) {
    const body = {
      name: $('tour-name').value, date: $('tour-date').value, note: $('tour-note').value || null,
      from_commission: $('tour-from-commission').checked,
    };
    if (projectIds) body.project_ids = projectIds;
    try {
      const made = await tourApi.create(body, projectIds ? {} : filters());
      toast(t('tours.created'), { kind: 'info', timeout: 3000 });
      picked.clear();
      pickedLabel();
      tour = made;
      await loadList();
      renderTour();
    } catch (err) { showError(err); }
  }

  fillFilters();
  pickedLabel();
  if (!mayPlan) $('tour-form').prepend(h('p', { class: 'muted' }, t('tours.needPlanner')));
  $('tour-date').value = new Date().toISOString().slice(0, 10);
  for (const id of ['tour-district', 'tour-cluster', 'tour-area', 'tour-status', 'tour-light', 'tour-month']) {
    $(id).addEventListener('change', () => loadCandidates().catch(showError));
  }
  $('tour-form').addEventListener('submit', (e) => { e.preventDefault(); create(null); });
  $('tour-create-picked').addEventListener('click', () => {
    if ($('tour-form').reportValidity()) create([...picked]);
  });
  $('tour-pick').addEventListener('click', () => {
    picking = !picking;
    $('tour-pick').setAttribute('aria-pressed', String(picking));
    $('tour-map').classList.toggle('picking', picking);
    if (picking) toast(t('tours.pickHint'), { kind: 'info', timeout: 3000 });
  });
  onLangChange(() => { fillFilters(); pickedLabel(); renderTour(); });
  await Promise.all([loadCandidates(), loadList()]);
  document.body.dataset.ready = '1';
}

boot().catch((err) => { document.body.dataset.ready = 'error'; showError(err); });
