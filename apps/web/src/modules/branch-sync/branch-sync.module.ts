import { IconCloudDownload, IconPlugConnected } from '@tabler/icons-react';
import type { ModuleRegistration } from '../../app/registry';
import { BranchSyncPermission } from './permissions';

/** Branch agents: every branch's agent at a glance, agent updates (releases and offers), and one branch's agent in detail. */
export const branchSyncModule: ModuleRegistration = {
  key: 'branch_sync',
  pages: [
    {
      path: '/branch-sync', page_key: 'branch_sync_agents', area: 'panel', permission: BranchSyncPermission.read, component: () => import('./agents.screen'),
      nav: { group: 'organisation', order: 25, icon: IconPlugConnected },
    },
    // Before the branch page: a static segment, so `updates` is never taken for a branch id.
    {
      path: '/branch-sync/updates', page_key: 'branch_sync_updates', area: 'panel', permission: BranchSyncPermission.read, component: () => import('./updates.screen'),
      nav: { group: 'organisation', order: 26, icon: IconCloudDownload },
    },
    { path: '/branch-sync/$branch_id', page_key: 'branch_sync_branch', area: 'panel', permission: BranchSyncPermission.read, component: () => import('./branch.screen') },
  ],
};
