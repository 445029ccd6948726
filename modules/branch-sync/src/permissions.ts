import { definePermissions, grantToRole } from '@chaharsu/access';

/**
 * Who may do what with branch agents. Spec §A2/§E5: agents, their connection settings, their password and
 * their commands belong to the owner (holds '*'), the manager and the support partner; every member may see
 * whether a branch is online (dashboard B1).
 */
export const BranchSyncPermissions = {
  read: 'branch_sync.read',
  agentsManage: 'branch_sync.agents.manage',
  commandsSend: 'branch_sync.commands.send',
} as const;

definePermissions(Object.values(BranchSyncPermissions));
grantToRole('manager', Object.values(BranchSyncPermissions));
grantToRole('support', Object.values(BranchSyncPermissions));
grantToRole('staff', [BranchSyncPermissions.read]);
