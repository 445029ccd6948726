/**
 * `npm run cli -- <command> [--flag value …]`: operator commands against the same database `npm start`
 * uses (DATABASE_URL, or the embedded PostgreSQL under DATA_DIR — attached to when the server is
 * running, started for the command when it is not). Modules add their commands to `commands` below.
 */
import pino from 'pino';
import { createDb, inTransaction, migrateToLatest, type Db } from '@chaharsu/db';
import { AppError, systemContext } from '@chaharsu/kit';
import type { Ctx, ModuleDefinition } from '@chaharsu/http';
import type { OrgsApi } from '@chaharsu/orgs';
import { creditSalesCommands } from '@chaharsu/credit-sales/cli';
import type { CreditSalesApi } from '@chaharsu/credit-sales';
import type { Backups } from '@chaharsu/warehouse';
import { publishRelease, publishReleaseArgs, releaseSigningCommands } from '@chaharsu/branch-sync';
import path from 'node:path';
import { ConfigError, loadConfig } from './config.js';
import { openDatabase } from './database.js';
import { runningEmbedded } from './attach-embedded.js';
import { allMigrations } from './migrations.js';
import { composeModules } from './modules.js';

interface CommandContext { db: Db; modules: ModuleDefinition[]; logger: pino.Logger }
type Command = (context: CommandContext, args: string[]) => Promise<unknown>;

function apiOf<T>(modules: ModuleDefinition[], name: string): T {
  const found = modules.find((m) => m.name === name) as (ModuleDefinition & { api?: T }) | undefined;
  if (!found?.api) throw new Error(`module ${name} is not composed`);
  return found.api;
}

/** Runs `fn` as the system in one transaction scoped to the organisation with `slug`. */
function inOrganisation(context: CommandContext) {
  return async <T>(slug: string, fn: (ctx: Ctx) => Promise<T>): Promise<T> => {
    const orgs = apiOf<OrgsApi>(context.modules, 'orgs');
    const base = systemContext(context.logger, 'cli');
    const org = await inTransaction(context.db, { org_id: null, user_id: null, platform_admin: true }, (db) => orgs.organisations.findOrganisationBySlug({ ...base, db }, slug));
    if (!org) throw new Error(`no organisation with slug "${slug}"`);
    const org_id = org.org_id;
    return inTransaction(context.db, { org_id, user_id: null }, (db) => fn({ ...systemContext(context.logger, 'cli', org_id), db }));
  };
}

const commands: Record<string, Command> = {
  /** `npm run cli -- warehouse:backup`: a pg_dump .sql file in the backup folder now (docs/warehouse/backups.md). */
  'warehouse:backup': async (context) => {
    const warehouse = context.modules.find((m) => m.name === 'warehouse') as (ModuleDefinition & { backups?: Backups | null }) | undefined;
    if (!warehouse?.backups) throw new Error('backups are not configured: set BACKUP_DATABASE_URL (a superuser or BYPASSRLS role) for an external database');
    return warehouse.backups.create('manual').catch((error: unknown) => {
      // An AppError's message is its code; the operator also needs its params (versions found, pg_dump's words).
      throw error instanceof AppError ? new Error(`${error.code} ${JSON.stringify(error.params)}`) : error;
    });
  },
  /** `npm run cli -- branch-sync:publish-release --file <artifact> --version <v> --signature <b64>`: an agent release, signed elsewhere. */
  'branch-sync:publish-release': (context, args) => publishRelease(context.db, path.join(loadConfig().DATA_DIR, 'agent-releases'), publishReleaseArgs(args)),
  'credit-sales:create-seller': (context, args) => creditSalesCommands['credit-sales:create-seller']({ api: apiOf<CreditSalesApi>(context.modules, 'credit-sales'), inOrganisation: inOrganisation(context) }, args),
};

async function main(): Promise<number> {
  const [name, ...args] = process.argv.slice(2);
  // Signing runs on the operator's workstation: no configuration, no database (the key never meets the server).
  const offline = name ? (releaseSigningCommands as Record<string, ((a: string[]) => unknown) | undefined>)[name] : undefined;
  if (offline) { process.stdout.write(`${JSON.stringify(offline(args), null, 2)}\n`); return 0; }
  const command = name ? commands[name] : undefined;
  if (!command) {
    process.stderr.write(`usage: npm run cli -- <command> [--flag value …]\ncommands:\n${[...Object.keys(releaseSigningCommands), ...Object.keys(commands)].map((c) => `  ${c}`).join('\n')}\n`);
    return 2;
  }
  const config = loadConfig();
  const logger = pino({ level: 'warn' }, pino.destination(2));
  const urls = config.DATABASE_URL ? await openDatabase(config, (m) => logger.warn(m)) : (runningEmbedded(config) ?? await openDatabase(config, (m) => logger.warn(m)));
  const migrator = createDb({ url: urls.migration_url, max_connections: 1, application_name: 'chaharsu-cli-migrate' });
  try {
    await migrateToLatest(migrator.db, allMigrations());
  } finally {
    await migrator.db.destroy();
  }
  const { db } = createDb({ url: urls.app_url, max_connections: 2, application_name: 'chaharsu-cli' });
  try {
    const composition = composeModules({ db, config, logger, backup_url: config.BACKUP_DATABASE_URL ?? urls.superuser_url });
    const output = await command({ db, modules: composition.modules, logger }, args);
    process.stdout.write(`${JSON.stringify(output, null, 2)}\n`);
    return 0;
  } finally {
    await db.destroy();
    await urls.stop();
  }
}

main().then((code) => process.exit(code)).catch((error: unknown) => {
  process.stderr.write(`${error instanceof ConfigError ? error.message : error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
