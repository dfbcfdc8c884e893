// Labels, language switching and number formatting. Enumerations (district,
// cluster, status … names) are NOT here: they come from /api/meta and are shown
// through label()/nameOf(), which pick `name` or `name_en` by language.

const STORAGE_KEY = 'warroom.lang';
const LANGS = ['zh', 'en'];

const DICT = {
  zh: {
    'app.title': '威海市重点项目挂图作战',
    'app.short': '威海挂图作战',
    'mode.progressShort': '进度',
    'mode.lightShort': '亮灯',
    'app.planYear': '{year} 年度',
    'a11y.skip': '跳到项目列表',
    'toolbar.label': '工具栏',
    'sidebar.label': '筛选与项目',
    'sheet.toggle': '展开/收起面板',
    'map.label': '威海市地图',
    'mode.progress': '按进度着色',
    'mode.light': '按亮灯着色',
    'mode.toggleTitle': '切换着色方式：进度 / 亮灯',
    'lookup.toggle': '落位查询',
    'lookup.toggleOn': '退出落位查询',
    'lookup.title': '落位查询',
    'lookup.hint': '在地图上单击，或输入“经度, 纬度”。',
    'lookup.inputLabel': '经度, 纬度',
    'lookup.placeholder': '122.12, 37.50',
    'lookup.go': '查询',
    'lookup.badInput': '请输入“经度, 纬度”，例如 122.12, 37.50',
    'lookup.loading': '查询中…',
    'lookup.point': '坐标',
    'lookup.district': '区县/功能区',
    'lookup.county': '所属区市',
    'lookup.zones': '五区',
    'lookup.bases': '九基地',
    'lookup.nearest': '最近基地',
    'lookup.none': '无',
    'lookup.outside': '该点不在威海市范围内',
    'lookup.distance': '约 {d}',
    'lang.switch': 'EN',
    'lang.switchLabel': 'Switch to English',
    'filters.title': '筛选',
    'filters.district': '区县 / 功能区',
    'filters.city': '全市',
    'filters.cluster': '产业集群',
    'filters.status': '建设状态',
    'filters.area': '五区 / 九基地',
    'filters.all': '全部',
    'filters.allClusters': '全部集群',
    'filters.allStatuses': '全部状态',
    'filters.allAreas': '不限',
    'filters.zones': '五区',
    'filters.bases': '九基地',
    'filters.search': '项目名称',
    'filters.searchPlaceholder': '输入名称关键字',
    'filters.reset': '重置',
    'summary.title': '项目概况',
    'summary.count': '项目数',
    'summary.investment': '总投资',
    'summary.year': '年度计划投资',
    'summary.progress': '平均进度',
    'panel.listTitle': '项目列表',
    'panel.listHint': '按总投资排序，共 {n} 个',
    'panel.empty': '当前筛选条件下没有项目。',
    'panel.listHintView': '视野内单独显示的项目，按总投资排序，共 {n} 个',
    'panel.emptyView': '视野内的项目均已聚合显示，放大地图或点击聚合圈可列出项目。',
    'panel.back': '← 返回列表',
    'panel.close': '关闭',
    'panel.code': '项目编号',
    'panel.district': '所在区县',
    'panel.county': '所属区市',
    'panel.cluster': '产业集群',
    'panel.zones': '所在五区',
    'panel.bases': '所在基地',
    'panel.investTotal': '总投资',
    'panel.investYear': '年度计划投资',
    'panel.unit': '责任单位',
    'panel.person': '责任人',
    'panel.status': '建设状态',
    'panel.dates': '建设周期',
    'panel.progress': '形象进度',
    'panel.planned': '计划进度 {p}',
    'panel.light': '亮灯',
    'panel.demo': '演示数据',
    'panel.none': '—',
    'panel.loading': '加载中…',
    'panel.zoomTo': '地图上查看',
    'legend.title': '图层与图例',
    'legend.toggle': '图例',
    'legend.layers': '图层',
    'legend.districts': '区县边界',
    'legend.zones': '五区',
    'legend.bases': '九基地',
    'legend.projects': '重点项目',
    'legend.progress': '项目进度',
    'legend.light': '项目亮灯',
    'legend.schematic': '示意范围 (schematic)',
    'legend.county': '区市边界',
    'legend.functional': '功能区（示意）',
    'legend.cluster': '聚合：数字为项目数，圆环为构成',
    'legend.notes': '数据说明',
    'markers.cluster': '{n} 个项目，单击放大',
    'markers.status': '显示 {n} 个项目',
    'error.title': '出错了',
    'error.network': '无法连接服务器',
    'error.boot': '地图加载失败：{msg}',
    'toast.close': '关闭提示',
    'siting.nav': '落位核查',
    'tours.nav': '观摩路线',
    'siting.title': '落位核查',
    'siting.back': '← 返回地图',
    'siting.hint': '每行一个点：“经度, 纬度[, 名称]”；或拖入 CSV / Excel 文件（含“经度”“纬度”列，可含“编号”“名称”“所属区市”“所属基地”）。',
    'siting.paste': '粘贴坐标',
    'siting.drop': '拖入或选择 CSV / Excel 文件',
    'siting.run': '核查',
    'siting.download': '下载 Excel',
    'siting.clear': '清空',
    'siting.empty': '请先粘贴坐标或选择文件。',
    'siting.badLines': '第 {lines} 行不是“经度, 纬度”，已跳过。',
    'siting.count': '共 {n} 个点：{inBase} 个在基地内，{outside} 个不在威海陆域，{errors} 个有误。',
    'siting.col.n': '#',
    'siting.col.name': '名称',
    'siting.col.point': '坐标',
    'siting.col.district': '区县/功能区',
    'siting.col.zones': '五区',
    'siting.col.bases': '九基地 / 最近基地',
    'siting.col.agrees': '申报一致',
    'siting.col.message': '说明',
    'siting.yes': '一致',
    'siting.no': '不一致',
    'siting.file': '文件：{name}',
    'unit.yi': '亿元',
  },
  en: {
    'app.title': 'Weihai Key Projects War Room',
    'app.short': 'Weihai War Room',
    'mode.progressShort': 'Progress',
    'mode.lightShort': 'Light',
    'app.planYear': 'Plan {year}',
    'a11y.skip': 'Skip to project list',
    'toolbar.label': 'Toolbar',
    'sidebar.label': 'Filters and projects',
    'sheet.toggle': 'Expand/collapse panel',
    'map.label': 'Map of Weihai',
    'mode.progress': 'Colour: progress',
    'mode.light': 'Colour: status light',
    'mode.toggleTitle': 'Switch marker colours: progress / status light',
    'lookup.toggle': 'Locate point',
    'lookup.toggleOn': 'Exit locate',
    'lookup.title': 'Locate a point',
    'lookup.hint': 'Click the map, or type "lon, lat".',
    'lookup.inputLabel': 'Longitude, latitude',
    'lookup.placeholder': '122.12, 37.50',
    'lookup.go': 'Go',
    'lookup.badInput': 'Enter "lon, lat", e.g. 122.12, 37.50',
    'lookup.loading': 'Looking up…',
    'lookup.point': 'Point',
    'lookup.district': 'District / area',
    'lookup.county': 'County',
    'lookup.zones': 'Zones',
    'lookup.bases': 'Bases',
    'lookup.nearest': 'Nearest base',
    'lookup.none': 'none',
    'lookup.outside': 'This point is outside Weihai',
    'lookup.distance': 'about {d}',
    'lang.switch': '中文',
    'lang.switchLabel': '切换到中文',
    'filters.title': 'Filters',
    'filters.district': 'District / area',
    'filters.city': 'Whole city',
    'filters.cluster': 'Industry cluster',
    'filters.status': 'Status',
    'filters.area': 'Zone / base',
    'filters.all': 'All',
    'filters.allClusters': 'All clusters',
    'filters.allStatuses': 'All statuses',
    'filters.allAreas': 'Any',
    'filters.zones': 'Five zones',
    'filters.bases': 'Nine bases',
    'filters.search': 'Project name',
    'filters.searchPlaceholder': 'Name contains…',
    'filters.reset': 'Reset',
    'summary.title': 'Overview',
    'summary.count': 'Projects',
    'summary.investment': 'Total investment',
    'summary.year': 'Planned this year',
    'summary.progress': 'Avg. progress',
    'panel.listTitle': 'Projects',
    'panel.listHint': 'By total investment, {n} in all',
    'panel.empty': 'No projects match the filters.',
    'panel.listHintView': 'Shown on their own in view, by total investment: {n}',
    'panel.emptyView': 'The projects in view are drawn as clusters: zoom in or click a cluster to list them.',
    'panel.back': '← Back to list',
    'panel.close': 'Close',
    'panel.code': 'Code',
    'panel.district': 'District',
    'panel.county': 'County',
    'panel.cluster': 'Cluster',
    'panel.zones': 'Zones',
    'panel.bases': 'Bases',
    'panel.investTotal': 'Total investment',
    'panel.investYear': 'Planned this year',
    'panel.unit': 'Responsible unit',
    'panel.person': 'Person in charge',
    'panel.status': 'Status',
    'panel.dates': 'Period',
    'panel.progress': 'Progress',
    'panel.planned': 'planned {p}',
    'panel.light': 'Light',
    'panel.demo': 'Demo data',
    'panel.none': '—',
    'panel.loading': 'Loading…',
    'panel.zoomTo': 'Show on map',
    'legend.title': 'Layers & legend',
    'legend.toggle': 'Legend',
    'legend.layers': 'Layers',
    'legend.districts': 'District borders',
    'legend.zones': 'Five zones',
    'legend.bases': 'Nine bases',
    'legend.projects': 'Key projects',
    'legend.progress': 'Project progress',
    'legend.light': 'Status light',
    'legend.schematic': 'Schematic boundary (示意范围)',
    'legend.county': 'County border',
    'legend.functional': 'Functional area (schematic)',
    'legend.cluster': 'Cluster: number = projects, ring = mix',
    'legend.notes': 'Data notes',
    'markers.cluster': '{n} projects, click to zoom in',
    'markers.status': '{n} projects shown',
    'error.title': 'Error',
    'error.network': 'Cannot reach the server',
    'error.boot': 'Map failed to load: {msg}',
    'toast.close': 'Dismiss',
    'siting.nav': 'Siting check',
    'tours.nav': 'Inspection tours',
    'siting.title': 'Siting check',
    'siting.back': '← Back to map',
    'siting.hint': 'One point per line: "lon, lat[, name]"; or drop a CSV / Excel file with 经度/纬度 (lon/lat) columns, optionally 编号, 名称, 所属区市, 所属基地.',
    'siting.paste': 'Paste coordinates',
    'siting.drop': 'Drop or choose a CSV / Excel file',
    'siting.run': 'Check',
    'siting.download': 'Download Excel',
    'siting.clear': 'Clear',
    'siting.empty': 'Paste coordinates or choose a file first.',
    'siting.badLines': 'Line(s) {lines} are not "lon, lat" and were skipped.',
    'siting.count': '{n} points: {inBase} inside a base, {outside} off Weihai\'s land, {errors} invalid.',
    'siting.col.n': '#',
    'siting.col.name': 'Name',
    'siting.col.point': 'Point',
    'siting.col.district': 'District',
    'siting.col.zones': 'Zones',
    'siting.col.bases': 'Bases / nearest base',
    'siting.col.agrees': 'Declared agrees',
    'siting.col.message': 'Note',
    'siting.yes': 'agrees',
    'siting.no': 'differs',
    'siting.file': 'File: {name}',
    'unit.yi': 'CNY 100 m',
  },
};

let lang = (() => {
  try {
    const v = localStorage.getItem(STORAGE_KEY);
    return LANGS.includes(v) ? v : 'zh';
  } catch { return 'zh'; }
})();
const listeners = new Set();
let metaIndex = new Map(); // Chinese name -> meta entry (districts, clusters, zones, bases, statuses by name)

export function getLang() { return lang; }
let applied = false; // initI18n has translated the page
/** Add a module's own messages ({zh: {...}, en: {...}}), e.g. web/js/i18n-progress.js. */
export function addMessages(dict) {
  for (const l of LANGS) Object.assign(DICT[l], dict[l] || {});
  // A module loaded after the page was translated (after the first markers) brings labels the page already shows.
  if (applied) applyI18n(document);
}
export function isEn() { return lang === 'en'; }

export function t(key, vars = {}) {
  let s = DICT[lang][key] ?? DICT.zh[key] ?? key;
  for (const [k, v] of Object.entries(vars)) s = s.replaceAll(`{${k}}`, String(v));
  return s;
}

export function setLang(next) {
  if (!LANGS.includes(next) || next === lang) return;
  lang = next;
  try { localStorage.setItem(STORAGE_KEY, lang); } catch { /* private mode */ }
  applyDocument();
  for (const fn of listeners) fn(lang);
}
export function toggleLang() { setLang(lang === 'zh' ? 'en' : 'zh'); }
export function onLangChange(fn) { listeners.add(fn); return () => listeners.delete(fn); }

/** Pick the label of a meta entry / feature properties object. */
export function label(obj) {
  if (!obj) return '';
  if (lang === 'en' && obj.name_en) return obj.name_en;
  return obj.name ?? obj.label ?? obj.code ?? '';
}

/** Register /api/meta so Chinese names coming from projects can be shown in English. */
export function setMeta(meta) {
  metaIndex = new Map();
  for (const group of ['districts', 'clusters', 'zones', 'bases', 'statuses', 'lights']) {
    for (const e of meta[group] || []) {
      if (e.name) metaIndex.set(e.name, e);
      if (e.code) metaIndex.set(`${group}:${e.code}`, e);
    }
  }
}
/** Chinese name (as used in project properties) -> label in the current language. */
export function nameOf(name) {
  if (name == null || name === '') return '';
  const e = metaIndex.get(name);
  return e ? label(e) : name;
}
export function codeLabel(group, code) {
  const e = metaIndex.get(`${group}:${code}`);
  return e ? label(e) : code;
}

// Building an Intl.NumberFormat costs ~0.1 ms: the list and summary format hundreds of numbers, so reuse them.
const formatters = new Map();
function nf(min, max) {
  const key = `${lang}:${min}:${max}`;
  let f = formatters.get(key);
  if (!f) {
    f = new Intl.NumberFormat(lang === 'en' ? 'en-US' : 'zh-CN', { minimumFractionDigits: min, maximumFractionDigits: max });
    formatters.set(key, f);
  }
  return f;
}

/** Amount in 亿元 (1 亿 = 100 million CNY). zh: "2,289.6 亿元"; en: "CNY 228.96 bn". */
export function fmtYi(v) {
  if (v == null || Number.isNaN(Number(v))) return t('panel.none');
  const n = Number(v);
  if (lang === 'en') {
    const bn = n / 10;
    if (Math.abs(bn) >= 0.1 || n === 0) return `CNY ${nf(2, 2).format(bn)} bn`;
    return `CNY ${nf(0, 1).format(n * 100)} m`;
  }
  const d = Math.abs(n) >= 100 ? 1 : Math.abs(n) >= 1 ? 2 : 2;
  return `${nf(Math.abs(n) >= 100 ? 1 : 0, d).format(n)} 亿元`;
}
export function fmtPct(v, digits = 1) {
  if (v == null || Number.isNaN(Number(v))) return t('panel.none');
  return `${nf(0, digits).format(Number(v))}%`;
}
export function fmtInt(v) { return v == null ? t('panel.none') : nf(0, 0).format(v); }
/** Distance in metres -> "850 m" / "3.2 km" (zh "3.2 公里"). */
export function fmtDistance(m) {
  if (m == null) return t('panel.none');
  if (m < 1000) return lang === 'en' ? `${Math.round(m)} m` : `${Math.round(m)} 米`;
  const km = nf(1, 1).format(m / 1000);
  return lang === 'en' ? `${km} km` : `${km} 公里`;
}
export function fmtDate(s) { return s || t('panel.none'); }

/** Apply data-i18n (textContent) and data-i18n-attr ("attr:key;attr2:key2") under root. */
export function applyI18n(root = document) {
  for (const el of root.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
  for (const el of root.querySelectorAll('[data-i18n-attr]')) {
    for (const pair of el.dataset.i18nAttr.split(';')) {
      const [attr, key] = pair.split(':');
      if (attr && key) el.setAttribute(attr.trim(), t(key.trim()));
    }
  }
}

function applyDocument() {
  document.documentElement.lang = lang === 'en' ? 'en' : 'zh-CN';
  document.title = t('app.title');
  applyI18n(document);
}
export function initI18n() { applyDocument(); applied = true; }
