/**
 * Opening a Holoo SQL Server instance (production: tedious + tarn through Kysely's MssqlDialect) or a
 * simulated one (PostgreSQL), and the two handles the agent works with:
 * - HolooInstance: the company databases on the instance, health, one HolooCompany per database;
 * - HolooCompany: reads and exactly-once commands of one company (fiscal-year) database.
 *
 * SQL Server: one connection pool per company database (tedious `database` option), tables in `dbo`.
 * Simulator: one PostgreSQL database stands for the instance; each company database is a schema in
 * it named like the database ("Holoo1", "holoo1_1404"), so the same Kysely queries run with
 * `withSchema(<company>)`.
 */
import { Kysely, PostgresDialect, sql } from 'kysely';
import { HolooMssqlDialect } from './mssql-compiler.js';
import pg from 'pg';
import * as Tarn from 'tarn';
import * as Tedious from 'tedious';
import { type HolooDb, type HolooDialect } from './dialect.js';
import { mssqlDialect } from './dialect.mssql.js';
import { postgresDialect } from './dialect.postgres.js';
import { HolooCompany } from './company.js';
import { type CompanyDatabase, type CompanyDatabaseDiff, type HolooHealth } from './holoo.contracts.js';
import { assertCompanyName } from './shape.js';

export interface SqlServerConfig {
  /** Host name or address of the computer running SQL Server (usually `localhost` for the agent). */
  server: string;
  /** Named instance (Holoo installs `TNC`); found through the SQL Server Browser service (UDP 1434). */
  instance_name?: string;
  /** A fixed TCP port instead of the instance name (when the Browser service is off). */
  port?: number;
  user: string;
  password: string;
  /** TLS to SQL Server. On one computer a self-signed server certificate is normal: trust it there. */
  encrypt?: boolean;
  trust_server_certificate?: boolean;
  connect_timeout_ms?: number;
  request_timeout_ms?: number;
  pool_max_connections?: number;
  /** Shown in SQL Server's sessions and traces (program_name). */
  application_name?: string;
}

function tediousConnectionFactory(config: SqlServerConfig, database: string) {
  return () =>
    new Tedious.Connection({
      server: config.server,
      authentication: { type: 'default', options: { userName: config.user, password: config.password } },
      options: {
        database,
        ...(config.port !== undefined ? { port: config.port } : { instanceName: config.instance_name ?? 'TNC' }),
        encrypt: config.encrypt ?? true,
        trustServerCertificate: config.trust_server_certificate ?? config.server === 'localhost',
        connectTimeout: config.connect_timeout_ms ?? 15_000,
        requestTimeout: config.request_timeout_ms ?? 60_000,
        // datetime values travel as the server's wall clock in the Date's UTC fields (see toNaiveDateTime).
        useUTC: true,
        appName: config.application_name ?? 'chaharsu-agent',
      },
    });
}

function sqlServerDb(config: SqlServerConfig, database: string): HolooDb {
  return new Kysely({
    dialect: new HolooMssqlDialect({
      tarn: {
        ...Tarn,
        options: {
          min: 0,
          max: config.pool_max_connections ?? 4,
          idleTimeoutMillis: 60_000,
          // Fail a query with the driver's own reason (refused, login failed) instead of retrying
          // silently until the acquire timeout: the agent reports it and retries on its own schedule.
          propagateCreateError: true,
          createTimeoutMillis: (config.connect_timeout_ms ?? 15_000) + 5_000,
          acquireTimeoutMillis: (config.connect_timeout_ms ?? 15_000) + 10_000,
        },
      },
      tedious: { ...Tedious, connectionFactory: tediousConnectionFactory(config, database) },
    }),
  });
}

export class HolooInstance {
  readonly #companies = new Map<string, HolooCompany>();

  constructor(
    readonly dialect: HolooDialect,
    private readonly admin: HolooDb,
    private readonly open: (database: string) => { db: HolooDb; schema: string; close: () => Promise<void> },
    private readonly closeAdmin: () => Promise<void>,
  ) {}

  /** A handle on one company database (cached; its column shape is discovered on first use). */
  company(database: string): HolooCompany {
    assertCompanyName(database);
    let company = this.#companies.get(database);
    if (!company) {
      const { db, schema, close } = this.open(database);
      company = new HolooCompany(this.dialect, database, db, schema, close);
      this.#companies.set(database, company);
    }
    return company;
  }

  /** The Holoo company databases on the instance (those with an ARTICLE table), with each company's name. */
  async listCompanyDatabases(): Promise<CompanyDatabase[]> {
    const names = await this.dialect.listCompanyDatabases(this.admin);
    const out: CompanyDatabase[] = [];
    for (const database of names) {
      let companyName: string | null = null;
      try {
        companyName = await this.company(database).readCompanyName();
      } catch {
        // A database the agent's user cannot read yet (new fiscal year without the user) still counts as present.
      }
      out.push({ database, company_name: companyName });
    }
    return out;
  }

  /** SQL Server reachable (`select 1` within the timeout), its version, the company databases and their sizes. */
  async probeHealth(options: { timeout_ms?: number } = {}): Promise<HolooHealth> {
    const timeout = options.timeout_ms ?? 5_000;
    const health: HolooHealth = { reachable: false, error: null, server_version: null, company_databases: [], database_sizes: [], backups: [], backups_error: null };
    try {
      await withTimeout(sql`select 1 as ok`.execute(this.admin), timeout);
      health.reachable = true;
      health.server_version = await withTimeout(this.dialect.serverVersion(this.admin), timeout);
      health.company_databases = await withTimeout(this.listCompanyDatabases(), timeout * 4);
    } catch (error) {
      health.error = error instanceof Error ? error.message : String(error);
      return health;
    }
    for (const { database } of health.company_databases) {
      const company = this.company(database);
      const size = await withTimeout(company.databaseSizeBytes(), timeout).catch(() => null);
      health.database_sizes.push({ database, size_bytes: size });
    }
    await this.readBackups(health, timeout);
    return health;
  }

  /** Last backups of the company databases found (SQL Server's history names databases case-insensitively). */
  private async readBackups(health: HolooHealth, timeout_ms: number): Promise<void> {
    try {
      const history = await withTimeout(this.dialect.backupHistory(this.admin), timeout_ms);
      // SQL Server compares database names case-insensitively: rows differing only in case are one database.
      const byName = new Map<string, { last_backup_at: string | null; last_full_backup_at: string | null }>();
      const later = (a: string | null, b: string | null): string | null => (a === null ? b : b === null ? a : a > b ? a : b);
      for (const row of history) {
        const seen = byName.get(row.database.toLowerCase());
        byName.set(row.database.toLowerCase(), {
          last_backup_at: later(seen?.last_backup_at ?? null, row.last_backup_at), last_full_backup_at: later(seen?.last_full_backup_at ?? null, row.last_full_backup_at),
        });
      }
      health.backups = health.company_databases.map(({ database }) => {
        const row = byName.get(database.toLowerCase());
        return { database, last_backup_at: row?.last_backup_at ?? null, last_full_backup_at: row?.last_full_backup_at ?? null };
      });
    } catch (error) {
      health.backups_error = error instanceof Error ? error.message : String(error);
    }
  }

  async close(): Promise<void> {
    for (const company of this.#companies.values()) await company.close();
    this.#companies.clear();
    await this.closeAdmin();
  }
}

/** Databases that appeared or disappeared between two listings (new company, new fiscal year, removed). */
export function diffCompanyDatabases(previous: readonly string[], current: readonly string[]): CompanyDatabaseDiff {
  const before = new Set(previous);
  const after = new Set(current);
  return { added: [...after].filter((d) => !before.has(d)).sort(), removed: [...before].filter((d) => !after.has(d)).sort() };
}

async function withTimeout<T>(promise: Promise<T>, timeout_ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeout_ms} ms`)), timeout_ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Production: a Holoo SQL Server instance. Lists databases through `master`; one pool per company database. */
export function connectSqlServer(config: SqlServerConfig): HolooInstance {
  const admin = sqlServerDb(config, 'master');
  return new HolooInstance(
    mssqlDialect,
    admin,
    (database) => {
      const db = sqlServerDb(config, database);
      return { db, schema: 'dbo', close: () => db.destroy() };
    },
    () => admin.destroy(),
  );
}

export interface SimulatorConnectionOptions {
  /** PostgreSQL URL of the database that stands for the SQL Server instance. */
  url: string;
  max_connections?: number;
}

/** Tests and benchmarks: a simulated instance on PostgreSQL (see simulator/). */
export function connectHolooSimulator(options: SimulatorConnectionOptions): HolooInstance {
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.max_connections ?? 4,
    application_name: 'chaharsu-holoo-simulator',
    // `timestamp` columns stay strings: Holoo datetimes are wall-clock times without a zone.
    types: { getTypeParser: (oid: number, format?: 'text' | 'binary') => (oid === 1114 ? (value: string) => value : pg.types.getTypeParser(oid, format as 'text')) } as pg.CustomTypesConfig,
  });
  // An idle connection closed by the server (restart, failover) must not crash the agent: the pool drops
  // it and the next query opens a new one.
  pool.on('error', () => {});
  const db: HolooDb = new Kysely({ dialect: new PostgresDialect({ pool }) });
  return new HolooInstance(postgresDialect, db, (database) => ({ db, schema: database, close: async () => {} }), () => db.destroy());
}
