import { OrgPermissions } from '@chaharsu/access';

/**
 * Who may do what with branch agents. Spec §A2/§E5 gives agents, their connection settings and their
 * commands to the owner, the manager and the support partner: exactly the holders of
 * `org.branches.manage` in modules/access (owner via '*', manager, support). Reading the status is for
 * every member (`org.read`). When the panel's bulk-edit screens give sending commands to more roles,
 * `commandsSend` becomes its own permission (`branch_sync.commands.send`) with a role in modules/access.
 */
export const BranchSyncPermissions = {
  read: OrgPermissions.read,
  agentsManage: OrgPermissions.branchesManage,
  commandsSend: OrgPermissions.branchesManage,
} as const;
