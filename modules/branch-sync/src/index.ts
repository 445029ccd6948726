/**
 * @chaharsu/branch-sync — the server side of the branch agents: enrolment, the WebSocket hub across
 * server instances, commands exactly once, heartbeats and health. See README.md.
 */
import type { Logger } from 'pino';
import type { Db } from '@chaharsu/db';
import type { ModuleDefinition } from '@chaharsu/http';
import type { AuditApi } from '@chaharsu/audit';
import { newId } from '@chaharsu/kit';
import { branchSyncMigrations } from './migrations/index.js';
import { branchSyncRoutes } from './branch-sync.routes.js';
import { createBranchSyncService, type BranchDirectory, type BranchSyncService } from './branch-sync.service.js';
import { createHub, DEFAULT_HUB_OPTIONS, type AgentAlerts, type Hub, type HubOptions } from './hub.js';
import { serverIdentityFrom, type ServerIdentity } from './server-identity.js';
import { createReleaseService } from './releases.js';
import './branch-sync.errors.js';

export * from './branch-sync.contracts.js';
export { BranchSyncErrors } from './branch-sync.errors.js';
export { BranchSyncPermissions } from './permissions.js';
export type { BranchDirectory, BranchSyncService } from './branch-sync.service.js';
export type { AgentAlerts, Hub, HubOptions } from './hub.js';
export { retryDelayMs, DEFAULT_HUB_OPTIONS } from './hub.js';
export { serverIdentityFrom, type ServerIdentity } from './server-identity.js';
export { publishRelease, type ReleaseService } from './releases.js';
export { publishReleaseArgs, releaseSigningCommands, signRelease, type SignedRelease } from './release-signing.js';

export interface BranchSyncDeps {
  db: Db;
  /** Connection string for the LISTEN connection; null: commands reach agents by the pump timer only. */
  listen_url: string | null;
  secret_key: Buffer;
  audit: AuditApi;
  branches: BranchDirectory;
  alerts: AgentAlerts | null;
  logger: Logger;
  /** Where published agent release artifacts are kept (DATA_DIR/agent-releases; shared storage with several instances). */
  releases_dir: string;
  options?: Partial<Omit<HubOptions, 'instance_id'>>;
}

export interface BranchSyncModule extends ModuleDefinition {
  api: BranchSyncService;
  hub: Hub;
  identity: ServerIdentity;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export function createBranchSyncModule(deps: BranchSyncDeps): BranchSyncModule {
  const identity = serverIdentityFrom(deps.secret_key);
  const api = createBranchSyncService({ audit: deps.audit, branches: deps.branches, identity, secret_key: deps.secret_key });
  const hub = createHub({
    db: deps.db, listen_url: deps.listen_url, secret_key: deps.secret_key, identity, audit: deps.audit, alerts: deps.alerts, logger: deps.logger,
    options: { ...DEFAULT_HUB_OPTIONS, ...deps.options, instance_id: `${process.pid}-${newId()}` },
  });
  return {
    name: 'branch-sync', api, hub, identity, migrations: branchSyncMigrations,
    routes: branchSyncRoutes(api, hub, { service: createReleaseService({ audit: deps.audit, branches: deps.branches }), dir: deps.releases_dir }),
    start: () => hub.start(),
    stop: () => hub.stop(),
  };
}
