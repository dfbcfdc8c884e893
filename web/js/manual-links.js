// The 推进手册 download links: on tasks.html the task manual (following the page's category and department
// filters), on the dashboard the project manual. Mounts itself in each [data-manual] element of the page.
import { manualApi } from './api.js';
import { addMessages, t, onLangChange } from './i18n.js';
import { h, fill } from './dom.js';

addMessages({
  zh: {
    'manual.tasks': '任务推进手册',
    'manual.projects': '项目推进手册',
    'manual.filtered': '按当前类别、牵头单位筛选',
  },
  en: {
    'manual.tasks': 'Task manual',
    'manual.projects': 'Project manual',
    'manual.filtered': 'Follows the category and lead department filters',
  },
});

// tasks.html's filter selects whose values the task manual accepts (category code, department id).
const TASK_FILTERS = { category: 'tf-category', department: 'tf-department' };

function taskFilters() {
  const out = {};
  for (const [key, id] of Object.entries(TASK_FILTERS)) {
    const el = document.getElementById(id);
    if (el && el.value) out[key] = el.value;
  }
  return out;
}

function mount(host) {
  const kind = host.dataset.manual === 'tasks' ? 'tasks' : 'projects';
  const pdf = h('a', { class: 'btn', download: '', dataset: { testid: `manual-${kind}-pdf` } });
  const xlsx = h('a', { class: 'btn', download: '', dataset: { testid: `manual-${kind}-xlsx` } });
  const sync = () => {
    const filters = kind === 'tasks' ? taskFilters() : {};
    pdf.href = manualApi.url(kind, 'pdf', filters);
    xlsx.href = manualApi.url(kind, 'xlsx', filters);
  };
  const render = () => {
    pdf.textContent = `${t(`manual.${kind}`)} PDF`;
    xlsx.textContent = `${t(`manual.${kind}`)} Excel`;
    if (kind === 'tasks') {
      pdf.title = t('manual.filtered');
      xlsx.title = t('manual.filtered');
    }
  };
  // The filters may also change from the address (#category=…): read them again as the link is followed.
  pdf.addEventListener('click', sync);
  xlsx.addEventListener('click', sync);
  if (kind === 'tasks') {
    for (const id of Object.values(TASK_FILTERS)) document.getElementById(id)?.addEventListener('change', sync);
    document.getElementById('tf-reset')?.addEventListener('click', () => setTimeout(sync, 0));
  }
  sync();
  render();
  onLangChange(render);
  fill(host, pdf, ' ', xlsx);
}

for (const host of document.querySelectorAll('[data-manual]')) mount(host);
