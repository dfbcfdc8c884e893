// The project card's parts, loaded by panel.js once the first markers are drawn (or when a card opens first), so a
// cold load (a phone on 4x slower CPU) fetches and runs only what the map needs before its first markers.
export { mountReportForm } from './report-form.js'; // issue 6: monthly progress form in the card
export { mountProjectPhotos } from './gallery.js'; // [photos] site photo section (issue 4)
export { mountProjectProblems } from './problems-card.js'; // [problems] 督办问题
export { mountWorkplan } from './workplan.js'; // [workplan] monthly plan, milestones, leader (issue 13)
export { mountProjectTasks } from './project-tasks.js'; // issue 14: the key tasks this project serves
export { mountCardTabs } from './card-tabs.js'; // issue 16: 概况 / 进度 / 照片 / 问题 on a phone
export { mountProjectTools } from './project-edit.js'; // issue 13: edit, retire, propose, 历史
