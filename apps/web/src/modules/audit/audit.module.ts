import { IconHistory, IconListSearch } from '@tabler/icons-react';
import type { ModuleRegistration } from '../../app/registry';

export const auditModule: ModuleRegistration = {
  key: 'audit',
  pages: [
    {
      path: '/org/audit', page_key: 'org_audit', area: 'panel', permission: 'audit.read', component: () => import('./org-audit.screen'),
      nav: { group: 'organisation', order: 40, icon: IconHistory, shortcut: 'g a' },
    },
    {
      path: '/platform/audit', page_key: 'platform_audit', area: 'panel', permission: 'platform.audit.read', component: () => import('./platform-audit.screen'),
      nav: { group: 'platform', order: 40, icon: IconListSearch },
    },
  ],
};
