import { IconLanguage, IconHelpCircle } from '@tabler/icons-react';
import type { ModuleRegistration } from '../../app/registry';

export const contentModule: ModuleRegistration = {
  key: 'content',
  pages: [
    {
      path: '/platform/translations', page_key: 'platform_translations', area: 'panel', permission: 'platform.translations.manage', component: () => import('./translations.screen'),
      nav: { group: 'platform', order: 30, icon: IconLanguage, shortcut: 'g t' },
    },
    {
      path: '/platform/help', page_key: 'platform_help', area: 'panel', permission: 'platform.translations.manage', component: () => import('./help-editor.screen'),
      nav: { group: 'platform', order: 35, icon: IconHelpCircle },
    },
  ],
};
