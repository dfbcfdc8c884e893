// The dashboard's quarter picker: the quarterly 简报 (PDF / Excel) of a chosen quarter, from the existing API.
import { api, workspaceApi } from './api.js';
import { t, onLangChange } from './i18n.js';
import { h, fill } from './dom.js';
import './i18n-workspace.js';

/** The last `count` quarters complete by the end of `month` (YYYY-MM), newest first, as '2026-Q3'. */
export function quartersBack(month, count = 8) {
  let [year, m] = month.split('-').map(Number);
  let q = Math.floor(m / 3); // 2026-10 -> Q3: a quarter's bulletin needs its three months
  if (q === 0) { q = 4; year -= 1; }
  const out = [];
  for (let i = 0; i < count; i += 1) {
    out.push(`${year}-Q${q}`);
    q -= 1;
    if (q === 0) { q = 4; year -= 1; }
  }
  return out;
}

/** Mount the picker in `host`; `month` (YYYY-MM, e.g. the shown month) picks the quarter selected first. */
export function mountQuarterPicker(host, month) {
  if (!host) return;
  const select = h('select', { dataset: { testid: 'quarter-select' } }, quartersBack(month).map((q) => h('option', { value: q }, q)));
  const pdf = h('a', { class: 'btn', dataset: { testid: 'quarter-pdf' } });
  const xlsx = h('a', { class: 'btn', dataset: { testid: 'quarter-xlsx' } });
  const sync = () => {
    pdf.href = workspaceApi.quarterlyBulletinUrl(select.value, 'pdf');
    xlsx.href = workspaceApi.quarterlyBulletinUrl(select.value, 'xlsx');
  };
  const render = () => {
    select.setAttribute('aria-label', t('ws.q.label'));
    pdf.textContent = t('ws.q.pdf');
    xlsx.textContent = t('ws.q.xlsx');
  };
  select.addEventListener('change', sync);
  sync();
  render();
  onLangChange(render);
  fill(host, select, ' ', pdf, ' ', xlsx);
}

// On the dashboard the picker mounts itself in #dash-quarter, starting at the quarter of the shown (latest closed) month.
const dashHost = document.getElementById('dash-quarter');
if (dashHost) api.periods().then((p) => mountQuarterPicker(dashHost, p.shown_month || p.due_month)).catch(() => mountQuarterPicker(dashHost, new Date().toISOString().slice(0, 7)));
