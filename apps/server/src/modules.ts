/**
 * The composition root: every module, wired by hand. The module graph has no cycles:
 * access ← audit ← identity ← orgs ← (business modules).
 */
import type { Logger } from 'pino';
import type { Db } from '@chaharsu/db';
import type { ModuleDefinition } from '@chaharsu/http';
import { createAuditModule } from '@chaharsu/audit';
import type { Config } from './config.js';
import type { AuthPorts } from './ports.js';

export interface Composition {
  modules: ModuleDefinition[];
  auth: AuthPorts;
  /** Seeds the demo organisations on an empty database; returns the sign-in hints to print. */
  seedDemo: () => Promise<string[] | null>;
  start: () => Promise<void>;
  stop: () => Promise<void>;
}

export function composeModules(deps: { db: Db; config: Config; logger: Logger }): Composition {
  void deps;
  const audit = createAuditModule();
  const denyAll: AuthPorts = {
    resolveSession: async () => null,
    resolveApiKey: async () => null,
    permissionsInOrg: async () => null,
    platformPermissions: () => new Set(),
  };
  return {
    modules: [audit],
    auth: denyAll,
    seedDemo: async () => null,
    start: async () => {},
    stop: async () => {},
  };
}
