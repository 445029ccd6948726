import { IconHome, IconSettings, IconBuildingStore, IconUsers, IconKey } from '@tabler/icons-react';
import type { ModuleRegistration } from '../../app/registry';

export const orgsModule: ModuleRegistration = {
  key: 'orgs',
  pages: [
    { path: '/choose-organisation', page_key: 'choose_organisation', area: 'session', component: () => import('./choose-org.screen') },
    { path: '/no-organisation', page_key: 'no_organisation', area: 'session', component: () => import('./no-org.screen') },
    {
      path: '/', page_key: 'home', area: 'panel', component: () => import('./home.screen'),
      nav: { group: 'main', order: 0, icon: IconHome, shortcut: 'g h' },
    },
    {
      path: '/org/settings', page_key: 'org_settings', area: 'panel', permission: 'org.settings.manage', component: () => import('./settings.screen'),
      nav: { group: 'organisation', order: 10, icon: IconSettings, shortcut: 'g s' },
    },
    {
      path: '/org/branches', page_key: 'org_branches', area: 'panel', permission: 'org.read', component: () => import('./branches.screen'),
      nav: { group: 'organisation', order: 20, icon: IconBuildingStore, shortcut: 'g b' },
    },
    {
      path: '/org/staff', page_key: 'org_staff', area: 'panel', permission: 'org.staff.read', component: () => import('./staff.screen'),
      nav: { group: 'organisation', order: 30, icon: IconUsers, shortcut: 'g u' },
    },
    {
      path: '/org/api-keys', page_key: 'org_api_keys', area: 'panel', permission: 'access.api_keys.manage', component: () => import('./api-keys.screen'),
      nav: { group: 'organisation', order: 50, icon: IconKey },
    },
  ],
};
