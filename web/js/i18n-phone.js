// Messages of the phone chrome (top-bar menu, card tabs, camera / album buttons), registered into i18n.js.
import { addMessages } from './i18n.js';

addMessages({
  zh: {
    'menu.open': '菜单',
    'menu.close': '关闭',
    'tabs.label': '项目卡片分页',
    'tabs.overview': '概况',
    'tabs.progress': '进度',
    'tabs.photos': '照片',
    'tabs.problems': '问题',
    'photos.camera': '拍照',
    'photos.album': '从相册选择',
  },
  en: {
    'menu.open': 'Menu',
    'menu.close': 'Close',
    'tabs.label': 'Project card sections',
    'tabs.overview': 'Overview',
    'tabs.progress': 'Progress',
    'tabs.photos': 'Photos',
    'tabs.problems': 'Problems',
    'photos.camera': 'Take photo',
    'photos.album': 'Choose from album',
  },
});
