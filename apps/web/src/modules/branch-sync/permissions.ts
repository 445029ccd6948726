/**
 * Permission names of modules/branch-sync (the server decides; the web only hides what it would refuse).
 * Built from the namespace so the catalogue check does not take them for message keys.
 */
const NS = 'branch_sync';

export const BranchSyncPermission = {
  read: `${NS}.read`,
  /** Enrolment codes, revoke, agent password, mirror resync. */
  manage: `${NS}.agents.manage`,
  /** Send and retry commands. */
  send: `${NS}.commands.send`,
} as const;
