// The task card: deliverable, deadline, milestones, this month's progress and problems, the projects that carry it
// out on a mini map, the monthly reports (with review for planners), evidence documents, and the report form for the
// lead department's reporter (or a planner). Everything from data goes in as text (js/dom.js, js/map-text.js).
import * as L from 'leaflet';
import { api } from './api.js';
import { t, label, nameOf } from './i18n.js';
import './i18n-tasks.js';
import { h, fill } from './dom.js';
import { hoverTooltip } from './map-text.js';
import { showError, toast } from './toast.js';
import { currentUser, userMay, signInUrl } from './auth.js';

/** The light of a task as a dot and its name. */
export function lightBadge(meta, code) {
  const light = (meta.lights || []).find((l) => l.code === code);
  return h('span', { class: 'light-badge', dataset: { light: code } },
    h('span', { class: 'dot', style: { background: light?.color } }), label(light));
}

const byCode = (list, code) => (list || []).find((x) => x.code === code);

/** The card in `host`: show(id) loads and draws a task, clear() empties it, render() redraws (language change). */
export function createTaskCard(host, meta, { onClose = () => {}, onSaved = () => {} } = {}) {
  let data = null;
  let last = null; // the reports and evidence drawn with `data`, for a redraw on a language change
  let map = null;
  let seq = 0;

  // `name` is a message key, or [key, vars] for a message with placeholders.
  const field = (name, value, testid) => (value == null || value === '' || (Array.isArray(value) && !value.length)
    ? null
    : h('div', { class: 'task-field' }, h('dt', {}, Array.isArray(name) ? t(...name) : t(name)),
      h('dd', { dataset: { testid } }, Array.isArray(value) ? value.join('、') : value)));

  function drawMap(el, projects) {
    if (map) { map.remove(); map = null; }
    if (!projects.length) return;
    map = L.map(el, { zoomControl: false, attributionControl: false, minZoom: 7, maxZoom: 16 });
    api.layer('districts').then((fc) => {
      if (!map) return;
      L.geoJSON(fc, { style: { color: '#8a8f98', weight: 1, fillColor: '#eef1f4', fillOpacity: 1 }, interactive: false }).addTo(map).bringToBack();
    }).catch(() => {}); // the districts are a backdrop; the projects are drawn anyway
    const tip = hoverTooltip(map, { direction: 'top', offset: [0, -6] });
    const points = projects.map((p) => {
      const m = L.circleMarker([p.lat, p.lon], { radius: 7, color: '#fff', weight: 2, fillColor: '#1f6feb', fillOpacity: 0.9 }).addTo(map);
      tip.attach(m, () => h('span', {}, `${p.name} · ${nameOf(p.district)}`));
      m.on('click', () => { location.href = `/#${new URLSearchParams({ task: data.id, project: p.id, mode: 'light' })}`; });
      return [p.lat, p.lon];
    });
    map.fitBounds(L.latLngBounds(points).pad(0.4), { maxZoom: 13 });
    el.dataset.markers = String(points.length);
  }

  async function reportForm(user) {
    const lead = data.lead;
    if (!user) return h('p', { class: 'muted', dataset: { testid: 'task-sign-in' } }, h('a', { href: signInUrl() }, t('card.signIn')));
    if (!userMay(meta, user, 'submit_task_reports') || user.district) return null;
    const planner = userMay(meta, user, 'review_reports');
    if (!planner && user.department_id !== lead.id) {
      return h('p', { class: 'muted', dataset: { testid: 'task-not-yours' } }, t('card.notYours', { d: lead.name }));
    }
    const due = meta.cycle?.due_month;
    const month = h('input', { type: 'month', name: 'month', value: due, max: due, required: true, dataset: { testid: 'tr-month' } });
    const status = h('select', { name: 'status', dataset: { testid: 'tr-status' } },
      (meta.task_statuses || []).map((s) => h('option', { value: s.code }, label(s))));
    status.value = data.status === 'not_started' ? 'in_progress' : data.status;
    const narrative = h('textarea', { name: 'narrative', rows: 3, maxlength: 2000, required: true, dataset: { testid: 'tr-narrative' } });
    const problems = h('textarea', { name: 'problems', rows: 2, maxlength: 2000, dataset: { testid: 'tr-problems' } });
    const form = h('form', { class: 'task-form', dataset: { testid: 'task-report-form' } },
      h('h3', {}, t('card.form')),
      h('label', { class: 'field' }, h('span', {}, t('card.month')), month),
      h('label', { class: 'field' }, h('span', {}, t('tasks.status')), status),
      h('label', { class: 'field' }, h('span', {}, t('card.narrative')), narrative),
      h('label', { class: 'field' }, h('span', {}, t('card.problems')), problems),
      h('button', { type: 'submit', class: 'btn btn-primary', dataset: { testid: 'tr-submit' } }, t('card.submit')));
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      try {
        const saved = await api.putTaskReport(data.id, month.value, { status: status.value, narrative: narrative.value, problems: problems.value || null });
        toast(t('card.saved', { m: saved.month, s: label(byCode(meta.review_states, saved.review_state)) }), { kind: 'info', timeout: 4000 });
        onSaved();
        await show(data.id);
      } catch (err) { showError(err); }
    });
    return form;
  }

  function reportRows(reports, user) {
    const planner = user && userMay(meta, user, 'review_reports');
    return reports.map((r) => {
      const review = r.review_state === 'pending' && planner ? h('span', { class: 'review-buttons' },
        h('button', { type: 'button', class: 'btn btn-small', dataset: { testid: 'tr-pass' }, onclick: () => decide(r.month, 'pass') }, t('card.pass')),
        h('button', { type: 'button', class: 'btn btn-small', dataset: { testid: 'tr-return' }, onclick: () => {
          const reason = window.prompt(t('card.returnReason'));
          if (reason) decide(r.month, 'return', reason);
        } }, t('card.return'))) : null;
      return h('tr', { dataset: { testid: 'task-report-row', month: r.month, review: r.review_state, status: r.status } },
        h('td', { class: 'mono' }, r.month),
        h('td', {}, label(byCode(meta.task_statuses, r.status))),
        h('td', {}, r.narrative, r.problems ? h('div', { class: 'problems' }, `${t('card.problems')}:${r.problems}`) : null),
        h('td', {}, label(byCode(meta.review_states, r.review_state)), r.review_reason ? h('div', { class: 'muted' }, r.review_reason) : null, review));
    });
  }

  async function decide(month, decision, reason) {
    try {
      await api.reviewTaskReport(data.id, month, decision, reason);
      onSaved();
      await show(data.id);
    } catch (err) { showError(err); }
  }

  function evidenceBox(evidence, user) {
    const mayUpload = user && !user.district && userMay(meta, user, 'submit_task_reports')
      && (userMay(meta, user, 'review_reports') || user.department_id === data.lead.id);
    const input = h('input', { type: 'file', accept: '.pdf,.doc,.docx,.xls,.xlsx,.pptx', dataset: { testid: 'evidence-input' } });
    input.addEventListener('change', async () => {
      const [file] = input.files;
      if (!file) return;
      try {
        await api.uploadTaskEvidence(data.id, file, meta.cycle?.due_month);
        toast(t('card.uploaded', { n: file.name }), { kind: 'info', timeout: 4000 });
        await show(data.id);
      } catch (err) { showError(err); }
    });
    return h('section', { class: 'task-section' },
      h('h3', {}, t('card.evidence')),
      evidence.length ? h('ul', { class: 'evidence-list', dataset: { testid: 'evidence-list' } }, evidence.map((e) => h('li', {},
        h('a', { href: e.url, dataset: { testid: 'evidence-link' } }, e.name || e.format),
        h('span', { class: 'muted' }, ` ${e.month} · ${e.format.toUpperCase()} · ${Math.max(1, Math.round(e.size_bytes / 1024))} KB`))))
        : h('p', { class: 'muted' }, t('card.noEvidence')),
      mayUpload ? h('label', { class: 'field' }, h('span', {}, t('card.upload')), input) : null);
  }

  async function draw(task, reports, evidence) {
    const user = await currentUser();
    const source = byCode(meta.task_sources, task.source);
    const category = byCode(meta.task_categories, task.category);
    const mapEl = h('div', { class: 'task-minimap', dataset: { testid: 'task-minimap' } });
    const milestones = (task.milestones || []).map((m) => `${m.month} ${m.text}`);
    fill(host,
      h('header', { class: 'task-card-head' },
        h('button', { type: 'button', class: 'btn btn-small', onclick: onClose, dataset: { testid: 'task-card-close' } }, t('card.back')),
        h('p', { class: 'muted' }, `${task.code} · ${label(source)} · ${label(category)}`,
          task.demo ? h('span', { class: 'badge-demo', dataset: { testid: 'task-demo' } }, t('tasks.demo')) : null),
        h('h2', { dataset: { testid: 'task-title' } }, task.title),
        h('p', {}, lightBadge(meta, task.light), ' ', label(byCode(meta.task_statuses, task.status)),
          ' · ', t('tasks.deadline'), ' ', h('span', { dataset: { testid: 'task-deadline' } }, task.deadline))),
      h('dl', { class: 'task-fields' },
        field('tasks.department', task.lead.alias ? `${task.lead.name}(原${task.lead.alias})` : task.lead.name, 'task-lead'),
        field('card.cooperators', task.cooperators.map((c) => c.name), 'task-cooperators'),
        field('card.deliverable', task.deliverable, 'task-deliverable'),
        field('card.target', task.target, 'task-target'),
        field('card.districts', task.districts.map(nameOf), 'task-districts'),
        field('card.clusters', task.clusters.map(nameOf), 'task-clusters'),
        field('card.milestones', milestones, 'task-milestones'),
        field(['card.thisMonth', { m: task.report_month || task.month }], task.narrative, 'task-narrative'),
        field('card.problems', task.problems, 'task-problems')),
      h('section', { class: 'task-section' },
        h('h3', {}, t('card.projects', { n: task.linked_projects.length })),
        task.linked_projects.length ? [
          mapEl,
          h('p', { class: 'muted small' }, t('card.miniMapNote'), ' · ',
            h('a', { href: `/#${new URLSearchParams({ task: task.id, mode: 'light' })}`, dataset: { testid: 'task-on-map' } }, t('card.onMap'))),
          h('ul', { class: 'task-projects', dataset: { testid: 'task-projects' } }, task.linked_projects.map((p) => h('li', {},
            h('a', { href: `/#${new URLSearchParams({ task: task.id, project: p.id, mode: 'light' })}` }, p.name),
            h('span', { class: 'muted' }, ` ${nameOf(p.district)}`),
            p.demo ? h('span', { class: 'badge-demo' }, t('tasks.demo')) : null))),
        ] : h('p', { class: 'muted' }, t('card.noProjects'))),
      h('section', { class: 'task-section' },
        h('h3', {}, t('card.reports')),
        h('table', { class: 'task-reports', dataset: { testid: 'task-reports' } },
          h('thead', {}, h('tr', {}, h('th', {}, t('card.month')), h('th', {}, t('tasks.status')), h('th', {}, t('card.narrative')), h('th', {}, t('card.review')))),
          h('tbody', {}, reportRows(reports, user)))),
      evidenceBox(evidence, user),
      await reportForm(user));
    host.dataset.view = 'task';
    host.dataset.taskId = String(task.id);
    drawMap(mapEl, task.linked_projects);
  }

  async function show(id) {
    const mine = ++seq;
    try {
      const [task, reports, evidence] = await Promise.all([api.task(id), api.taskReports(id), api.taskEvidence(id)]);
      if (mine !== seq) return;
      data = task;
      last = { reports, evidence };
      await draw(task, reports, evidence);
    } catch (err) { showError(err); }
  }

  function clear() {
    ++seq;
    if (map) { map.remove(); map = null; }
    data = null;
    host.dataset.view = 'empty';
    delete host.dataset.taskId;
    fill(host, h('p', { class: 'muted' }, t('tasks.pick')));
  }

  function render() {
    if (data && last) draw(data, last.reports, last.evidence);
    else if (!data) clear();
  }

  clear();
  return { show, clear, render };
}
