// The key tasks a project carries out, in its card on the map (a project may serve several tasks), each linking to
// the task's card on the register page.
import { api } from './api.js';
import { t, label } from './i18n.js';
import './i18n-tasks.js';
import { h, fill } from './dom.js';

/** A section just before `anchor` (in the project card) listing the tasks project `p` serves; none: nothing. */
export function mountProjectTasks(anchor, p, meta) {
  const section = h('section', { class: 'project-tasks', hidden: true, dataset: { testid: 'project-tasks' } });
  anchor.before(section);
  api.tasks({ project: p.id }).then(({ tasks }) => {
    if (!tasks.length || !section.isConnected) return;
    const lights = new Map((meta.lights || []).map((l) => [l.code, l]));
    fill(section, h('h3', {}, t('project.tasks', { n: tasks.length })),
      h('ul', {}, tasks.map((x) => h('li', { dataset: { testid: 'project-task', taskId: x.id } },
        h('span', { class: 'dot', style: { background: lights.get(x.light)?.color }, title: label(lights.get(x.light)) }), ' ',
        h('a', { href: `/tasks.html#task=${x.id}` }, `${x.code} ${x.title}`), ' ',
        h('span', { class: 'muted' }, x.lead.name)))));
    section.hidden = false;
  }).catch(() => { /* the card stands without its tasks; the task page shows them */ });
}
