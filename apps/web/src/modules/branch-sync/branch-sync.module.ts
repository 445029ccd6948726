import { IconPlugConnected } from '@tabler/icons-react';
import type { ModuleRegistration } from '../../app/registry';
import { BranchSyncPermission } from './permissions';

/** Branch agents: every branch's agent at a glance, and one branch's agent in detail. */
export const branchSyncModule: ModuleRegistration = {
  key: 'branch_sync',
  pages: [
    {
      path: '/branch-sync', page_key: 'branch_sync_agents', area: 'panel', permission: BranchSyncPermission.read, component: () => import('./agents.screen'),
      nav: { group: 'organisation', order: 25, icon: IconPlugConnected },
    },
    { path: '/branch-sync/$branch_id', page_key: 'branch_sync_branch', area: 'panel', permission: BranchSyncPermission.read, component: () => import('./branch.screen') },
  ],
};
