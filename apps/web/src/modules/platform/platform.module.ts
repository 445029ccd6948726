import { IconPhoneCall, IconBuildingSkyscraper } from '@tabler/icons-react';
import type { ModuleRegistration } from '../../app/registry';

export const platformModule: ModuleRegistration = {
  key: 'platform',
  pages: [
    {
      path: '/platform/leads', page_key: 'platform_leads', area: 'panel', permission: 'platform.leads.read', component: () => import('./leads.screen'),
      nav: { group: 'platform', order: 10, icon: IconPhoneCall, shortcut: 'g l' },
    },
    {
      path: '/platform/organisations', page_key: 'platform_organisations', area: 'panel', permission: 'platform.orgs.read', component: () => import('./organisations.screen'),
      nav: { group: 'platform', order: 20, icon: IconBuildingSkyscraper, shortcut: 'g o' },
    },
  ],
};
