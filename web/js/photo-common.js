// Shared by the photo modules: their labels (through i18n.js), verification badges
// (names and levels from /api/meta photo_badges) and small formatters.
import { t, label, addMessages, fmtDistance } from './i18n.js';
import { h, s } from './dom.js';

addMessages({
  zh: {
    'photos.title': '现场照片',
    'photos.empty': '还没有现场照片。',
    'photos.drop': '拖入照片，或点击选择 / 拍照',
    'photos.month': '填报月份',
    'photos.caption': '说明（可选）',
    'photos.uploader': '上传人',
    'photos.uploading': '上传中 {p}',
    'photos.processing': '处理中…',
    'photos.done': '已上传',
    'photos.duplicate': '该照片已上传过（照片 {id}）',
    'photos.count': '{n} 张',
    'photos.distance': '距项目 {d}',
    'photos.taken': '拍摄于 {t}',
    'photos.noTime': '无拍摄时间',
    'photos.place': '标注拍摄位置',
    'photos.unpublished': '未公开',
    'photos.publish': '公开',
    'photos.publishTitle': '勾选：所有人可见；不勾选（不公开）：仅区市填报员及以上可见',
    'photos.placeHint': '在地图上单击照片拍摄位置',
    'photos.placed': '已手动定位,待规划人员核实',
    'photos.close': '关闭',
    'photos.prev': '上一张',
    'photos.next': '下一张',
    'photos.original': '查看原图',
    'photos.stamped': '公开水印图',
    'photos.wall': '照片墙',
    'photos.wallTitle': '分区域现场照片',
    'photos.wallDistrict': '区市',
    'photos.wallCity': '全市',
    'photos.wallMonth': '月份',
    'photos.wallEmpty': '该月没有上传现场照片。',
    'photos.wallMissing': '本月未上传照片的项目（{n} 个）',
    'photos.backToMap': '← 返回地图',
    'legend.photos': '照片拍摄点',
  },
  en: {
    'photos.title': 'Site photos',
    'photos.empty': 'No site photos yet.',
    'photos.drop': 'Drop photos here, or tap to choose / take one',
    'photos.month': 'Reporting month',
    'photos.caption': 'Caption (optional)',
    'photos.uploader': 'Uploaded by',
    'photos.uploading': 'Uploading {p}',
    'photos.processing': 'Processing…',
    'photos.done': 'Uploaded',
    'photos.duplicate': 'Already uploaded (photo {id})',
    'photos.count': '{n} photos',
    'photos.distance': '{d} from the project',
    'photos.taken': 'Taken {t}',
    'photos.noTime': 'No time taken',
    'photos.place': 'Mark where it was taken',
    'photos.unpublished': 'Not published',
    'photos.publish': 'Published',
    'photos.publishTitle': 'Ticked: everyone sees it; unticked (not published): district reporters and above only',
    'photos.placeHint': 'Click on the map where the photo was taken',
    'photos.placed': 'Placed by hand; a planner will check it',
    'photos.close': 'Close',
    'photos.prev': 'Previous',
    'photos.next': 'Next',
    'photos.original': 'Open original',
    'photos.stamped': 'Public stamped copy',
    'photos.wall': 'Photo wall',
    'photos.wallTitle': 'Site photos by district',
    'photos.wallDistrict': 'District',
    'photos.wallCity': 'Whole city',
    'photos.wallMonth': 'Month',
    'photos.wallEmpty': 'No site photos for this month.',
    'photos.wallMissing': 'Projects without photos this month ({n})',
    'photos.backToMap': '← Back to the map',
    'legend.photos': 'Photo positions',
  },
});

/** A camera icon (no emoji font is assumed on office PCs); a new element each call. */
export function cameraIcon() {
  return s('svg', { viewBox: '0 0 24 24', width: 14, height: 14, 'aria-hidden': 'true' },
    s('path', { fill: 'currentColor', d: 'M9 4 7.2 6H4a2 2 0 0 0-2 2v10a2 2 0 0 0 2 2h16a2 2 0 0 0 2-2V8a2 2 0 0 0-2-2h-3.2L15 4H9zm3 4.5a4.5 4.5 0 1 1 0 9 4.5 4.5 0 0 1 0-9zm0 2a2.5 2.5 0 1 0 0 5 2.5 2.5 0 0 0 0-5z' }));
}

/**
 * Badges of a photo as a list element of text (never markup): names/levels come from meta.photo_badges (geo/enums.py),
 * e.g. 手动定位 · 待核实 / 已核实, 非当月拍摄, 疑似重复使用; the distance is added to near/far.
 */
export function badges(meta, photo) {
  const defs = new Map((meta.photo_badges || []).map((b) => [b.code, b]));
  const unpublished = photo.published === false
    && h('li', { class: 'photo-badge badge-bad', dataset: { badge: 'unpublished', testid: 'photo-unpublished' } }, t('photos.unpublished'));
  return h('ul', { class: 'photo-badges', dataset: { testid: 'photo-badges' } }, unpublished, photo.badges.map((code) => {
    const b = defs.get(code) || { code, name: code, level: 'info' };
    // A verified hand placement's near/far is measured from the placement, else from the EXIF position.
    const dist = photo.placement?.status === 'verified' ? photo.placement.distance_m : photo.checks.distance_m;
    const extra = (code === 'near' || code === 'far') && dist != null ? ` · ${fmtDistance(dist)}` : '';
    return h('li', { class: `photo-badge badge-${b.level}`, dataset: { badge: code } }, label(b), extra);
  }));
}

/** "2026-05-03 10:11 (+08:00)" or the no-time label. */
export function takenText(photo) {
  if (!photo.taken_at) return t('photos.noTime');
  const s = photo.taken_at.replace('T', ' ').slice(0, 16);
  return t('photos.taken', { t: photo.taken_offset ? `${s} (${photo.taken_offset})` : s });
}

/** This month as YYYY-MM in the browser's time. */
export function thisMonth() {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}`;
}

/** Tell the camera layer and galleries that a project's photos changed. */
export function photosChanged(projectId) {
  window.dispatchEvent(new CustomEvent('warroom:photos-changed', { detail: { projectId } }));
}

