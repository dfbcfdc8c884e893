// Boot and wiring: meta -> i18n -> map -> legend -> first markers; then the controls (filters, list and card, lookup,
// user box, month, phone sheet), state changes -> API queries -> view updates. Exposes window.warroom for tests.
import * as L from 'leaflet';
import { api } from './api.js';
import { initI18n, setMeta, t, toggleLang, onLangChange, getLang } from './i18n.js';
import { createMap } from './map.js';
import { firstRequests, tilesWanted } from './first-requests.js';
import { fetchAreaLayers, loadAreaLayers, createLegend } from './layers.js';
import { createProjectLayer } from './markers.js';
import { initFromHash, getState, sameFilters, subscribe, update } from './state.js';

// The page's controls (filters and counts, the list and card, 落位查询, the user box, the month selector, the phone's
// sheet and menu) are asked for only once the first markers are painted: each module is a request that the browser
// process, the network service and the server handle, and on the page's critical path they shared the two cores and
// the six connections with the projects' answer. Their own imports not yet loaded (toast, i18n-phone) are asked for
// in the same breath, so the graph is not walked one round trip at a time.
const loadControls = () => Promise.all([
  import('./filters.js'), import('./panel.js'), import('./lookup.js'), import('./auth.js'), import('./month.js'),
  import('./phone.js'), import('./i18n-progress.js'), import('./toast.js'), import('./i18n-phone.js'),
]);
/** Show an error as a toast (js/toast.js, one of the controls' modules). */
const showError = (err) => { import('./toast.js').then((m) => m.showError(err)); };

const $ = (id) => document.getElementById(id);
const reducedMotion = window.matchMedia('(prefers-reduced-motion: reduce)').matches;

let resolveReady;
const ready = new Promise((r) => { resolveReady = r; });
window.warroom = { ready };

function setBusy(v) { document.body.dataset.loading = v ? '1' : '0'; }

/** Resolves once the browser has painted the next frame. */
const afterFrame = () => new Promise((r) => { requestAnimationFrame(() => setTimeout(r, 0)); });

// The card's, the library tools' and the export menu's styles, added after the first markers' frame: listed in
// index.html they took request slots the first markers' requests waited for. Each goes before the style it followed
// in the cascade (phone.css stays last).
const LATER_STYLES = [
  ['/css/workplan.css', '/css/accounts.css'], ['/css/photos.css', '/css/accounts.css'],
  ['/css/workspace.css', '/css/phone.css'], ['/css/problems.css', '/css/phone.css'],
  ['/css/project-edit.css', '/css/phone.css'], ['/css/tasks.css', '/css/phone.css'],
];
/** Add LATER_STYLES; resolves once each has loaded or failed (a card without its style beats no card). */
function addLaterStyles() {
  return Promise.all(LATER_STYLES.map(([href, before]) => new Promise((resolve) => {
    const link = document.createElement('link');
    link.rel = 'stylesheet';
    link.href = href;
    link.addEventListener('load', resolve);
    link.addEventListener('error', resolve);
    document.querySelector(`link[href="${before}"]`).before(link);
  })));
}
/** A promise that never rejects unhandled: settles to {value} or {error}, unwrapped later by `unwrap`. */
const settle = (p) => p.then((value) => ({ value }), (error) => ({ error }));
const unwrap = async (s) => { const r = await s; if ('error' in r) throw r.error; return r.value; };

async function boot() {
  initI18n();
  setBusy(true);
  let state = initFromHash();
  // The projects and summary left before this module ran (js/first-requests.js), as soon as meta was in: the
  // projects (5 MB at 10,000) need not wait for Leaflet, this module and the area layers.
  let firstLoad = { ...firstRequests, projects: settle(firstRequests.projects), summary: settle(firstRequests.summary) };
  // The area outlines (about 250 kB of polygons) are asked for once the first markers are painted, unless the link
  // names a district, zone or base: their answers shared the cores with the projects' answer.
  let areaData = null;
  const areaAnswer = () => { areaData = areaData || settle(fetchAreaLayers()); return areaData; };
  const meta = await firstRequests.meta;
  setMeta(meta);
  const planYear = () => { $('plan-year').textContent = meta.plan_year ? t('app.planYear', { year: meta.plan_year }) : ''; };
  planYear();
  onLangChange(planYear);

  const { map, basemapKind, fitCity, cityBounds, fitOptions, setOverlayPadding } = createMap($('map'), meta, { fit: false });
  // The legend first, then one fit that leaves it room: the area layers are drawn at their final zoom only once.
  const toggles = []; // filled once the layers exist
  const legend = createLegend(map, meta, {
    toggles,
    getMode: () => getState().mode,
    onToggle: () => areas && areas.syncBaseLabels(),
  });

  // Keep the legend from hiding the city: fit with padding on its side (not on phones).
  // On phones the bottom sheet covers the lower part of the map instead.
  const legendPad = () => {
    const el = document.getElementById('legend');
    if (window.matchMedia('(max-width: 699px)').matches) {
      const sb = document.getElementById('sidebar');
      setOverlayPadding(16, Math.min(sb.offsetHeight, map.getSize().y * 0.6) + 16);
    } else {
      setOverlayPadding(el && map.getSize().x > 900 ? el.offsetWidth + 24 : 16);
    }
  };
  legendPad();
  window.addEventListener('resize', legendPad);
  fitCity({ animate: false }); // a district, zone or base in the link is fitted to once its outline is drawn

  // issue 17: vector tiles above the threshold; their decoder is fetched only then.
  const tiles = tilesWanted(meta) ? (await import('./tiles.js')).createTileSource(map, { onError: showError }) : null;
  if (tiles) { tiles.setQuery(state.filters); tiles.prefetch(); } // the city's tiles travel while the areas load

  // The area outlines (about 250 kB of polygons) are drawn right after the first markers, unless the link names a
  // district, zone or base: then its outline is what the map fits to.
  let areas = null;
  const drawAreas = async () => {
    try {
      areas = await loadAreaLayers(map, meta, basemapKind, unwrap(areaAnswer()));
    } catch (err) { showError(err); return; }
    areas.highlightDistrict(getState().filters.district || null);
    toggles.unshift(
      { id: 'districts', key: 'legend.districts', layer: areas.districts, swatch: 'sw-districts' },
      { id: 'zones', key: 'legend.zones', layer: areas.zones, swatch: 'sw-zones' },
      { id: 'bases', key: 'legend.bases', layer: areas.bases, swatch: 'sw-bases' });
    legend.render();
  };
  const areasFirst = Boolean(state.filters.district || state.filters.zone || state.filters.base);
  if (areasFirst) await drawAreas();

  let lookup = null;
  let clickedFromMap = false; // a marker click opens the card without moving the map
  const markers = createProjectLayer(map, meta, {
    onSelect: (id) => { clickedFromMap = true; update({ project: String(id) }); clickedFromMap = false; },
    isInteractive: () => !(lookup && lookup.isActive()),
  });
  markers.layer.addTo(map);
  toggles.push({ id: 'projects', key: 'legend.projects', layer: markers.layer, swatch: 'sw-projects' });
  legend.render();
  legendPad();

  // Mode toggle (进度 / 亮灯)
  const modeBtn = $('mode-toggle');
  const renderModeBtn = () => {
    const light = getState().mode === 'light';
    modeBtn.setAttribute('aria-pressed', String(light));
    modeBtn.setAttribute('title', t('mode.toggleTitle'));
    modeBtn.setAttribute('aria-label', `${t('mode.toggleTitle')} — ${t(light ? 'mode.light' : 'mode.progress')}`);
    modeBtn.replaceChildren();
    for (const m of ['progress', 'light']) {
      const s = document.createElement('span');
      s.className = `seg${getState().mode === m ? ' seg-on' : ''}`;
      const long = document.createElement('span');
      long.className = 'long';
      long.textContent = t(`mode.${m}`);
      const short = document.createElement('span');
      short.className = 'short';
      short.textContent = t(`mode.${m}Short`);
      s.append(long, short);
      modeBtn.append(s);
    }
  };
  modeBtn.addEventListener('click', () => update({ mode: getState().mode === 'light' ? 'progress' : 'light' }));
  renderModeBtn();

  // Language toggle
  const langBtn = $('lang-toggle');
  const renderLangBtn = () => {
    langBtn.textContent = t('lang.switch');
    langBtn.setAttribute('aria-label', t('lang.switchLabel'));
    langBtn.setAttribute('lang', getLang() === 'en' ? 'zh-CN' : 'en');
  };
  langBtn.addEventListener('click', () => toggleLang());
  onLangChange(() => { renderLangBtn(); renderModeBtn(); });
  renderLangBtn();
  // 落位查询 works once js/lookup.js is in, with the controls; its button is labelled from the start.
  $('lookup-toggle').textContent = t('lookup.toggle');

  Object.assign(window.warroom, {
    map,
    meta,
    L,
    /** Projects represented by the markers/clusters drawn in the current view. */
    markerCount: () => markers.visibleCount(),
    /** Projects loaded for the current filter. */
    totalCount: () => markers.totalCount(),
    items: () => markers.items(),
    renderMs: () => markers.renderMs(),
    state: getState,
    setFilters: (f) => update({ filters: f }),
    setMode: (m) => update({ mode: m }),
    openProject: (id) => update({ project: String(id) }),
    zoomToProject,
    unclusterZoom: (id) => markers.unclusterZoom(id),
    /** Page coordinates (for mouse clicks) of a project's location. */
    projectPoint(id) {
      const f = markers.get(id);
      if (!f) return null;
      const [lon, lat] = f.geometry.coordinates;
      const p = map.latLngToContainerPoint([lat, lon]);
      const r = map.getContainer().getBoundingClientRect();
      return { x: r.left + p.x, y: r.top + p.y };
    },
    pointOf(lon, lat) {
      const p = map.latLngToContainerPoint([lat, lon]);
      const r = map.getContainer().getBoundingClientRect();
      return { x: r.left + p.x, y: r.top + p.y };
    },
    /** 'tiles' above meta's threshold (web/js/tiles.js), else 'geojson'. */
    source: () => (tiles ? 'tiles' : 'geojson'),
    idle: () => document.body.dataset.loading === '0' && !(tiles && tiles.busy()),
  });

  // The first markers, drawn from the first requests' answer (or the view's tiles) before any control exists; the
  // first load below takes them over without drawing them again. A failed answer is that load's to report.
  markers.setMode(state.mode);
  if (areasFirst) {
    const b = focusBounds(state.filters);
    if (b && b.isValid()) map.fitBounds(b, { ...fitOptions(), animate: false, maxZoom: 14 });
  }
  if (tiles) { // asked for the link's view since they were made, above
    markers.setSource(tiles);
    firstLoad.drawn = true;
  } else if (sameFilters(firstLoad.filters, state.filters)) {
    const answer = await firstLoad.projects;
    if ('value' in answer) { markers.setData(answer.value); firstLoad.drawn = true; }
  }
  await afterFrame();
  areaAnswer();
  const [
    { initFilters, renderSummary }, { createPanel, loadCardParts }, { createLookup }, { mountUserBox },
    { initMonthSelector }, { initSheet, initTopbarMenu },
  ] = await loadControls();

  mountUserBox($('user-box'));
  lookup = createLookup(map);
  window.warroom.lookup = lookup;
  const filters = initFilters(meta);
  initMonthSelector(meta, $('filters')); // issue 6
  const panel = createPanel(meta, { onZoomTo: (id) => zoomToProject(id) });
  // Tiles: the list holds the projects drawn on their own in the view (the library is too large to list).
  let listed = '';
  if (tiles) {
    map.on('warroom:count', () => {
      const points = tiles.points();
      const ids = points.map((f) => f.properties.id).join(',');
      if (ids !== listed) { listed = ids; panel.setFeatures(points, { inView: true }); }
    });
  }

  onLangChange(() => { if (lastSummary) renderSummary(meta, lastSummary, getState().filters); });

  // Bottom-sheet handle (phones)
  const sheet = $('sidebar');
  initSheet(sheet, $('sheet-handle'), { onResize: () => map.invalidateSize() }); // issue 16: peek / half / full
  initTopbarMenu(); // issue 16: the phone's 菜单

  // ---- data loading -------------------------------------------------------
  let loadCtrl = null;
  let lastSummary = null;
  let projectEdit = null; // js/project-edit.js, loaded after the first markers
  let loadSeq = 0;

  function focusBounds(f) {
    if (!areas) return f.district ? null : cityBounds;
    const pick = (list, name) => {
      const feat = list.find((x) => x.properties.name === name);
      return feat ? L.geoJSON(feat).getBounds() : null;
    };
    if (f.base) return pick(areas.baseFeatures, f.base);
    if (f.zone) return pick(areas.zoneFeatures, f.zone);
    if (f.district) return areas.districtBounds(f.district);
    return cityBounds;
  }

  async function loadData(filtersNow, { refit, listAfterFrame = false }) {
    loadSeq += 1;
    const seq = loadSeq;
    if (loadCtrl) loadCtrl.abort();
    const early = firstLoad && sameFilters(firstLoad.filters, filtersNow) ? firstLoad : null;
    if (firstLoad && !early) firstLoad.ctrl.abort();
    firstLoad = null;
    loadCtrl = early ? early.ctrl : new AbortController();
    setBusy(true);
    panel.setLoading(true);
    filters.syncFromState(filtersNow);
    if (areas) areas.highlightDistrict(filtersNow.district || null);
    if (refit) {
      const b = focusBounds(filtersNow);
      if (b && b.isValid()) map.fitBounds(b, { ...fitOptions(), animate: !reducedMotion, maxZoom: 14 });
      else if (!filtersNow.district) fitCity();
    }
    try {
      const drawn = Boolean(early && early.drawn); // the first markers, already on the map
      if (tiles && !drawn) { tiles.setQuery(filtersNow, { keep: Boolean(early) }); markers.setSource(tiles); } // drawn tile by tile as they arrive
      const signal = loadCtrl.signal;
      // The markers come first. With tiles, the counts are asked for once the view's tiles are in, so the two do not
      // share the server's cores; with GeoJSON both travel together and the markers are drawn without waiting for
      // the counts.
      let summaryNow;
      if (tiles) {
        summaryNow = tiles.whenIdle().then(() => api.summary(filtersNow, { signal }));
      } else {
        const fcNow = early ? unwrap(early.projects) : api.projects(filtersNow, { signal });
        summaryNow = early ? unwrap(early.summary) : api.summary(filtersNow, { signal });
        summaryNow.catch(() => {}); // awaited below, after the markers; a failure is reported there, not unhandled
        const fc = await fcNow;
        if (seq !== loadSeq) return;
        if (!drawn) markers.setData(fc);
      }
      const summary = await summaryNow;
      if (seq !== loadSeq) return;
      if (tiles) { tiles.setTotal(summary.count); markers.refresh(); }
      lastSummary = summary;
      // On the first load the list (116 rows to lay out) and the counts (the page's first number formats, which set
      // up ICU) wait for the frame that shows the markers.
      if (listAfterFrame) await afterFrame();
      if (seq !== loadSeq) return; // a newer load lists and counts its own
      panel.setLoading(false);
      if (!tiles) panel.setFeatures(markers.features());
      renderSummary(meta, summary, filtersNow);
      if (projectEdit) projectEdit.showRetiredInMonth(summary); // issue 13: the month's 退库 count
    } catch (err) {
      if (err.name === 'AbortError') return;
      panel.setLoading(false);
      showError(err);
    } finally {
      if (seq === loadSeq) setBusy(false);
    }
  }

  // Zoom to where the project stands alone; without a basemap, deep zooms show only blank land,
  // so stop at 15 there (the selection ring still marks the project inside a cluster).
  function zoomToProject(id, { animate = !reducedMotion, maxZoom = basemapKind === 'none' ? 15 : 18 } = {}) {
    const f = markers.get(id);
    if (!f) return false;
    const [lon, lat] = f.geometry.coordinates;
    const z = Math.max(markers.unclusterZoom(id) ?? 14, Math.floor(map.getZoom()), 12);
    map.setView([lat, lon], Math.min(z, maxZoom), { animate });
    return true;
  }

  let projectSeq = 0;
  let laterStyles = null; // addLaterStyles() once the first markers are on screen
  async function openProject(id, { move }) {
    projectSeq += 1;
    const seq = projectSeq;
    if (id == null) {
      markers.setSelected(null);
      panel.showList();
      return;
    }
    // The markers carry only what the map draws (MAP_FIELDS in api.js): the card reads the whole project.
    let f;
    try { f = await api.project(id, { month: state.filters.month }); } catch (err) {
      if (seq !== projectSeq) return;
      // A card already open stays open when a refresh of it fails on the way (a phone losing signal); an answer
      // (a project gone or not visible) or a first open that failed closes it.
      const shown = String(panel.currentId()) === String(id);
      if (shown && (err.status === 0 || err.status >= 500)) return;
      showError(err);
      update({ project: null }, { replace: true });
      return;
    }
    await laterStyles; // the card's own style is in before it shows
    if (seq !== projectSeq) return;
    markers.setSelected(id, f);
    panel.showProject(f);
    if (move && markers.get(id)) zoomToProject(id);
    else if (move && f.geometry) map.setView([f.geometry.coordinates[1], f.geometry.coordinates[0]], Math.max(map.getZoom(), 13), { animate: !reducedMotion });
    if (window.matchMedia('(max-width: 699px)').matches && sheet.classList.contains('collapsed')) $('sheet-handle').click();
  }

  subscribe((s, changed) => {
    const prev = state;
    state = s;
    if (changed.has('mode')) {
      markers.setMode(s.mode);
      panel.setMode(s.mode);
      legend.render();
      renderModeBtn();
    }
    if (changed.has('filters')) {
      const areaChanged = ['district', 'zone', 'base'].some((k) => (prev.filters[k] || '') !== (s.filters[k] || ''));
      loadData(s.filters, { refit: areaChanged }).then(() => {
        if (s.project && getState().project === s.project) openProject(s.project, { move: false });
      });
    }
    if (changed.has('project')) {
      openProject(s.project, { move: !clickedFromMap });
    }
  });
  // issue 6: a saved monthly report changes progress and lights: reload, keeping the card open.
  const reloadKeepingCard = () => {
    const s = getState();
    loadData(s.filters, { refit: false }).then(() => { if (s.project) openProject(s.project, { move: false }); });
  };
  window.addEventListener('warroom:problem-changed', reloadKeepingCard); // [problems] overdue flags follow the list
  window.addEventListener('warroom:report-saved', () => {
    const s = getState();
    loadData(s.filters, { refit: false }).then(() => { if (s.project) openProject(s.project, { move: false }); });
  });
  // issue 13: a project created, edited, retired or restored: reload and show its card.
  window.addEventListener('warroom:project-saved', (e) => {
    const s = getState();
    const id = String(e.detail.projectId);
    loadData(s.filters, { refit: false }).then(() => {
      if (s.project === id) openProject(id, { move: false });
      else update({ project: id });
    });
  });
  // The hash may have moved while the page booted, before the subscription above (a link followed, Back): that view
  // is the one to draw and load.
  state = getState();
  markers.setMode(state.mode);
  panel.setMode(state.mode);
  legend.render();
  renderModeBtn();


  // The first markers were fitted to the link's district, zone or base and painted: the first load fits again only to
  // a view chosen meanwhile, and lists at once unless it draws the markers itself.
  const firstDrawn = Boolean(firstLoad && firstLoad.drawn && sameFilters(firstLoad.filters, state.filters));
  const areaNamed = Boolean(state.filters.district || state.filters.zone || state.filters.base);
  await loadData(state.filters, { refit: areaNamed && !firstDrawn, listAfterFrame: !firstDrawn });
  laterStyles = addLaterStyles();
  await afterFrame(); // the list's frame is painted, then the area outlines are drawn
  if (!areasFirst) {
    await drawAreas();
    const f = getState().filters; // a district chosen meanwhile is fitted to now that its outline is known
    const b = (f.district || f.zone || f.base) ? focusBounds(f) : null;
    if (b && b.isValid()) map.fitBounds(b, { ...fitOptions(), animate: false, maxZoom: 14 });
  }
  // What the first markers do not need comes after them: the 导出 menu (issue 13), 有逾期问题 [problems], the key-task
  // chip (issue 14), the site-photo layer [photos] and the library tools (issue 13); mounted in this order, so the
  // filters row keeps its order.
  const [exportsJs, overdueJs, taskJs, photosJs, editJs] = await Promise.all(
    ['./exports.js', './problems-filter.js', './task-chip.js', './photo-layer.js', './project-edit.js'].map((m) => import(m)));
  projectEdit = editJs; // issue 13: 新建项目 for planners, the month's 退库 count
  projectEdit.initProjectEdit(map, meta);
  if (lastSummary) projectEdit.showRetiredInMonth(lastSummary);
  exportsJs.mountExportMenu($('export-box'), () => getState().filters);
  overdueJs.mountOverdueFilter($('filters'));
  taskJs.mountTaskChip($('filters'));
  toggles.push({ id: 'photos', key: 'legend.photos', layer: photosJs.createPhotoLayer(map).layer, swatch: 'sw-photos' });
  legend.render();
  if (state.project) await openProject(state.project, { move: true });
  // A reporter lands on their district, their month's to-do first (the module loads after the first markers).
  const hadView = Boolean(location.hash.replace(/^#/, ''));
  await import('./todo.js').then((m) => m.mountReporterTodo(panel, { hadView }));
  document.body.dataset.ready = '1';
  // issue 16: after the first markers, the outbox (queued photos are sent on open and when back online) and the
  // card's parts; then the service worker, so what the page loaded is among what it keeps for offline use.
  Promise.all([import('./outbox.js').then((m) => m.startOutbox()), loadCardParts()])
    .catch(showError).finally(() => import('./pwa.js').then((m) => m.registerServiceWorker()));
  resolveReady(window.warroom);
}

boot().catch((err) => {
  setBusy(false);
  document.body.dataset.ready = 'error';
  const el = document.getElementById('map');
  if (el) {
    const msg = document.createElement('div');
    msg.className = 'boot-error';
    msg.setAttribute('role', 'alert');
    msg.textContent = t('error.boot', { msg: err.detail || err.message || String(err) });
    el.append(msg);
  }
  showError(err);
  resolveReady(window.warroom);
});
