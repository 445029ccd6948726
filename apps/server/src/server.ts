/** Starts the whole product in-process: database, migrations, modules, HTTP. Used by main.ts and by tests. */
import pino, { type Logger } from 'pino';
import { sql } from 'kysely';
import { createDb, migrateToLatest, type Db } from '@chaharsu/db';
import type { App } from '@chaharsu/http';
import { buildApp, type RegisteredRoute } from './app.js';
import type { Config } from './config.js';
import { openDatabase, type DatabaseUrls } from './database.js';
import { allMigrations } from './migrations.js';
import { composeModules, type Composition } from './modules.js';

export interface RunningServer {
  app: App;
  db: Db;
  urls: DatabaseUrls;
  routes: RegisteredRoute[];
  composition: Composition;
  url: string;
  seeded: string[] | null;
  close: () => Promise<void>;
}

export async function startServer(config: Config, options: { logger?: Logger; listen?: boolean; urls?: DatabaseUrls } = {}): Promise<RunningServer> {
  const logger = options.logger ?? pino({ level: config.LOG_LEVEL });
  const urls = options.urls ?? (await openDatabase(config, (m) => logger.warn(m)));
  const migrator = createDb({ url: urls.migration_url, max_connections: 1, application_name: 'chaharsu-migrate' });
  try {
    const applied = await migrateToLatest(migrator.db, allMigrations());
    if (applied.length) logger.info({ applied }, 'migrations applied');
  } finally {
    await migrator.db.destroy();
  }
  const { db } = createDb({
    url: urls.app_url, max_connections: config.DB_POOL_SIZE, application_name: 'chaharsu',
    on_idle_connection_error: (error) => logger.warn({ err: error }, 'an idle database connection failed; the pool opens a new one'),
  });
  const composition = composeModules({ db, config, logger, listen_url: urls.app_url, backup_url: config.BACKUP_DATABASE_URL ?? urls.superuser_url });
  const seeded = config.SEED_DEMO ? await composition.seedDemo() : null;
  const { app, routes } = await buildApp({
    config,
    db,
    modules: composition.modules,
    auth: composition.auth,
    logger,
    ready: async () => { await sql`select 1`.execute(db); return true; },
  });
  await composition.start();
  let url = '';
  if (options.listen !== false) {
    url = await app.listen({ port: config.PORT, host: config.HOST });
  }
  return {
    app, db, urls, routes, composition, url, seeded,
    close: async () => {
      await composition.stop();
      await app.close();
      await db.destroy();
      if (!options.urls) await urls.stop();
    },
  };
}
