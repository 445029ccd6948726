import { IconUserCircle, IconDevices, IconBrandTelegram } from '@tabler/icons-react';
import type { ModuleRegistration } from '../../app/registry';

export const identityModule: ModuleRegistration = {
  key: 'identity',
  pages: [
    { path: '/sign-in', page_key: 'sign_in', area: 'public', component: () => import('./sign-in.screen') },
    { path: '/dev/inbox', page_key: 'dev_inbox', area: 'public', component: () => import('./dev-inbox.screen') },
    {
      path: '/profile', page_key: 'profile', area: 'panel', component: () => import('./profile.screen'),
      nav: { group: 'account', order: 10, icon: IconUserCircle, shortcut: 'g p' },
    },
    {
      path: '/sessions', page_key: 'sessions', area: 'panel', component: () => import('./sessions.screen'),
      nav: { group: 'account', order: 20, icon: IconDevices },
    },
    {
      path: '/telegram', page_key: 'telegram', area: 'panel', component: () => import('./telegram.screen'),
      nav: { group: 'account', order: 30, icon: IconBrandTelegram },
    },
  ],
};
