// Export links: the map's 导出 menu (the projects of the current filter in each format, the offline map of the
// chosen district, each boundary layer) and the workspace's boundary-layer exports. Plain links: the browser downloads with the session.
import { workspaceApi } from './api.js';
import { t, onLangChange } from './i18n.js';
import { currentUser } from './auth.js';
import { h, fill } from './dom.js';
import { EXPORT_FORMATS, LAYER_KEYS } from './i18n-workspace.js';

/**
 * The map's export menu in `host`, for accounts that may export; `filters()` gives the current filters (the links
 * are built when the menu opens, so they follow the filter of that moment).
 */
export async function mountExportMenu(host, filters) {
  if (!host) return;
  const user = await currentUser();
  if (!user || !user.permissions.includes('export_data')) return; // not offered to whom the server would refuse
  const menu = h('div', { class: 'export-menu-items', role: 'menu', dataset: { testid: 'export-items' } });
  const details = h('details', { class: 'export-menu', dataset: { testid: 'export-menu' } },
    h('summary', { class: 'btn', dataset: { testid: 'export-toggle' } }), menu);
  function render() {
    details.querySelector('summary').textContent = t('ws.exp.menu');
    const f = filters();
    const district = f.district || '';
    fill(menu,
      h('div', { class: 'muted export-menu-title' }, t('ws.exp.current')),
      EXPORT_FORMATS.map((fmt) => h('a', { class: 'btn btn-small', role: 'menuitem', href: workspaceApi.exportProjectsUrl(f, fmt),
        download: '', dataset: { testid: `export-${fmt}` } }, t(`ws.exp.${fmt}`))),
      district
        ? h('a', { class: 'btn btn-small', role: 'menuitem', href: workspaceApi.offlineMapUrl(district), download: '',
          dataset: { testid: 'export-offline' } }, `${t('ws.exp.offline')} · ${district}`)
        : h('span', { class: 'muted', dataset: { testid: 'export-offline-hint' } }, t('ws.exp.offlineNeedsDistrict')),
      h('div', { class: 'muted export-menu-title' }, t('ws.exp.title')),
      LAYER_KEYS.map((layer) => h('div', { class: 'export-menu-layer' }, h('span', {}, t(`ws.layer.${layer}`)),
        EXPORT_FORMATS.map((fmt) => h('a', { class: 'btn btn-small', role: 'menuitem', href: workspaceApi.exportLayerUrl(layer, fmt), download: '',
          title: t(`ws.exp.${fmt}`), dataset: { testid: `export-layer-${layer}-${fmt}` } }, fmt.toUpperCase())))));
  }
  details.addEventListener('toggle', () => { if (details.open) render(); });
  // a chosen file closes the menu (after the click has started the download)
  menu.addEventListener('click', (e) => { if (e.target.closest('a')) setTimeout(() => { details.open = false; }, 0); });
  render();
  onLangChange(render);
  host.replaceChildren(details);
}

/** The workspace's table of boundary-layer exports: each layer in each format. */
export function layerExports(host) {
  function render() {
    fill(host, h('p', { class: 'muted' }, t('ws.exp.hint')),
      h('table', { class: 'admin-table' }, h('tbody', {}, LAYER_KEYS.map((layer) => h('tr', {},
        h('th', {}, t(`ws.layer.${layer}`)),
        h('td', {}, EXPORT_FORMATS.map((fmt) => [h('a', { class: 'btn btn-small', href: workspaceApi.exportLayerUrl(layer, fmt), download: '',
          dataset: { testid: `layer-export-${layer}-${fmt}` } }, t(`ws.exp.${fmt}`)), ' '])))))));
  }
  render();
  onLangChange(render);
}
