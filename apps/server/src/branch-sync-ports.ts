/**
 * branch-sync's ports implemented with orgs and notify (the composition root knows all three): which
 * branches exist, and who hears that a branch's agent went offline (spec E7: the owner, the manager
 * and the support partner — the holders of `branch_sync.agents.manage` who work in that branch).
 */
import { hasPermission, permissionsOfRoles } from '@chaharsu/access';
import type { OrgsApi } from '@chaharsu/orgs';
import type { NotifyApi } from '@chaharsu/notify';
import { BranchSyncPermissions, type AgentAlerts, type BranchDirectory } from '@chaharsu/branch-sync';

export function createBranchSyncPorts(orgs: OrgsApi, notify: NotifyApi): { branches: BranchDirectory; alerts: AgentAlerts } {
  return {
    branches: {
      async exists(ctx, branch_id) {
        return (await orgs.branches.listBranches(ctx)).items.some((b) => b.id === branch_id);
      },
    },
    alerts: {
      async agentOffline(ctx, input) {
        const members = (await orgs.members.listMembers(ctx)).items;
        const recipients = members
          .filter((m) => m.active && hasPermission(permissionsOfRoles(m.roles), BranchSyncPermissions.agentsManage))
          .filter((m) => permissionsOfRoles(m.roles).has('*') || m.branch_ids.length === 0 || m.branch_ids.includes(input.branch_id))
          .map((m) => m.user_id);
        if (recipients.length === 0) return;
        await notify.send(ctx, {
          kind: 'branch_sync.agent_offline',
          title_key: 'branch_sync.notifications.agent_offline',
          params: { hostname: input.hostname, last_heartbeat_at: input.last_heartbeat_at },
          link: `/branches/${input.branch_id}/agent`,
          entity_type: 'branch',
          entity_id: input.branch_id,
          dedupe_key: `branch_sync.agent_offline:${input.agent_id}`,
          recipient_user_ids: recipients,
        });
      },
    },
  };
}
