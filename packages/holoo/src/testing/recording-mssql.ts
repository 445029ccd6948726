/**
 * Kysely on SQL Server without a SQL Server: the real MssqlAdapter and the adapter's bracket-quoting MssqlQueryCompiler, and a
 * driver that records each compiled statement (text + parameters) and answers from a responder.
 * Lets tests run the adapter's real code paths and assert the exact T-SQL a Holoo would receive.
 */
import {
  type CompiledQuery,
  type DatabaseConnection,
  type Driver,
  Kysely,
  type QueryResult,
} from 'kysely';
import { mssqlDialectParts } from '../mssql-compiler.js';
import { type HolooDb } from '../dialect.js';

export interface RecordedStatement { sql: string; parameters: readonly unknown[] }
export type Responder = (statement: RecordedStatement) => Array<Record<string, unknown>>;

class RecordingConnection implements DatabaseConnection {
  constructor(private readonly log: RecordedStatement[], private readonly respond: Responder) {}

  async executeQuery<R>(compiled: CompiledQuery): Promise<QueryResult<R>> {
    const statement = { sql: compiled.sql, parameters: compiled.parameters };
    this.log.push(statement);
    const rows = this.respond(statement) as R[];
    return { rows, numAffectedRows: BigInt(rows.length) };
  }

  // eslint-disable-next-line require-yield
  async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new Error('streaming is not used by the Holoo adapter');
  }
}

class RecordingDriver implements Driver {
  readonly #connection: RecordingConnection;

  constructor(private readonly log: RecordedStatement[], respond: Responder) {
    this.#connection = new RecordingConnection(log, respond);
  }

  async init(): Promise<void> {}
  async acquireConnection(): Promise<DatabaseConnection> { return this.#connection; }
  async beginTransaction(): Promise<void> { this.log.push({ sql: 'begin transaction', parameters: [] }); }
  async commitTransaction(): Promise<void> { this.log.push({ sql: 'commit', parameters: [] }); }
  async rollbackTransaction(): Promise<void> { this.log.push({ sql: 'rollback', parameters: [] }); }
  async releaseConnection(): Promise<void> {}
  async destroy(): Promise<void> {}
}

export function recordingMssql(respond: Responder): { db: HolooDb; statements: RecordedStatement[] } {
  const statements: RecordedStatement[] = [];
  const db: HolooDb = new Kysely({
    dialect: {
      ...mssqlDialectParts,
      createDriver: () => new RecordingDriver(statements, respond),
    },
  });
  return { db, statements };
}
