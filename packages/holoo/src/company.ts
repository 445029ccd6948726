/**
 * One Holoo company (fiscal-year) database: reads for the catalog mirror and exactly-once commands.
 */
import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import {
  ARTICLE_PAGE_MAX,
  type ArticlePageInput,
  type ReadScope,
  readArticlePage,
  readArticlesByCode,
  readCompanyName,
  readMainGroups,
  readSubGroups,
  readUnits,
  readWarehouses,
} from './catalog.reader.js';
import { type CommandScope } from './catalog.writer.js';
import {
  type AppliedCommand,
  type ApplyCommandInput,
  type JsonValue,
  applyCommand,
  executeHolooCommand,
  findAppliedCommand,
} from './commands.js';
import { CHANGE_LOG_TABLE, type HolooDb, type HolooDialect, type NaiveDateTime, toNaiveDateTime } from './dialect.js';
import {
  type ArticlePage,
  type ArticleRow,
  type CatalogDigest,
  type HolooCommand,
  type MainGroupRow,
  type SubGroupRow,
  type UnitRow,
  type WarehouseRow,
} from './holoo.contracts.js';
import { type CompanyShape, loadCompanyShape } from './shape.js';

export interface ChangeLogRow {
  command_id: string;
  requested_by: string;
  table_name: string;
  row_key: string;
  change_kind: string;
  before: unknown;
  after: unknown;
  changed_at: NaiveDateTime | null;
}

export class HolooCompany {
  #shape: Promise<CompanyShape> | null = null;
  #agentTablesReady = false;

  constructor(
    readonly dialect: HolooDialect,
    /** The company database's name on the instance (a schema name on the simulator). */
    readonly database: string,
    private readonly db: HolooDb,
    private readonly schema: string,
    private readonly closeDb: () => Promise<void>,
  ) {}

  /** The columns this database has (discovered once; call refreshShape after a Holoo upgrade). */
  shape(): Promise<CompanyShape> {
    if (!this.#shape) {
      this.#shape = loadCompanyShape(this.dialect, this.db, this.schema);
      this.#shape.catch(() => { this.#shape = null; });
    }
    return this.#shape;
  }

  refreshShape(): Promise<CompanyShape> {
    this.#shape = null;
    return this.shape();
  }

  private async scope(): Promise<ReadScope> {
    return { dialect: this.dialect, db: this.db, schema: this.schema, shape: await this.shape() };
  }

  /** Creates ChaharsuAppliedCommand and ChaharsuChangeLog when missing (needs CREATE TABLE the first time, see README). */
  async ensureAgentTables(): Promise<void> {
    if (this.#agentTablesReady) return;
    for (const ddl of this.dialect.agentTablesDdl(this.schema)) await sql.raw(ddl).execute(this.db);
    this.#agentTablesReady = true;
  }

  async readCompanyName(): Promise<string | null> {
    return readCompanyName(await this.scope());
  }

  /** Articles in A_Code order, `limit` at a time (≤ 5,000), each with its row hash. */
  async readArticlePage(input: ArticlePageInput): Promise<ArticlePage> {
    return readArticlePage(await this.scope(), input);
  }

  async readArticlesByCode(codes: readonly string[]): Promise<ArticleRow[]> {
    return codes.length === 0 ? [] : readArticlesByCode(await this.scope(), codes);
  }

  async readMainGroups(): Promise<MainGroupRow[]> {
    return readMainGroups(await this.scope());
  }

  async readSubGroups(): Promise<SubGroupRow[]> {
    return readSubGroups(await this.scope());
  }

  async readUnits(): Promise<UnitRow[]> {
    return readUnits(await this.scope());
  }

  async readWarehouses(): Promise<WarehouseRow[]> {
    return readWarehouses(await this.scope());
  }

  /**
   * sha256 over every article's and group's row hash in key order: lets the server check a whole
   * mirror against the branch (or two branches against each other) with one value.
   */
  async catalogDigest(): Promise<CatalogDigest> {
    const articles = createHash('sha256');
    let articleCount = 0;
    let after: string | null = null;
    // Bounded: 99 × 99 × 999 codes at most, read ARTICLE_PAGE_MAX at a time.
    for (let page = 0; page < 2_000; page++) {
      const result: ArticlePage = await this.readArticlePage({ after_code: after, limit: ARTICLE_PAGE_MAX });
      for (const row of result.rows) articles.update(`${row.a_code}:${row.row_hash}\n`);
      articleCount += result.rows.length;
      after = result.next_after_code;
      if (!after) break;
    }
    const groups = createHash('sha256');
    const mains = await this.readMainGroups();
    const subs = await this.readSubGroups();
    for (const g of mains) groups.update(`${g.code}:${g.row_hash}\n`);
    for (const g of subs) groups.update(`${g.main_code}${g.code}:${g.row_hash}\n`);
    return { article_count: articleCount, articles_digest: articles.digest('hex'), group_count: mains.length + subs.length, groups_digest: groups.digest('hex') };
  }

  /** The database server's wall clock (the time base of Endeditdate watermarks). */
  async serverClock(): Promise<NaiveDateTime> {
    return this.dialect.serverClock(this.db);
  }

  async databaseSizeBytes(): Promise<number | null> {
    return this.dialect.databaseSizeBytes(this.db, this.schema);
  }

  /** Runs `fn` and records the command id in ONE transaction; a known id returns its stored outcome. */
  async applyCommand(input: ApplyCommandInput, fn: (scope: CommandScope) => Promise<JsonValue>): Promise<AppliedCommand> {
    await this.ensureAgentTables();
    const scope = await this.scope();
    return applyCommand({ dialect: this.dialect, db: this.db, schema: this.schema, shape: scope.shape }, input, fn);
  }

  /** Validates (HolooCommand) and applies one panel command exactly once; a malformed one is recorded as rejected. */
  async applyHolooCommand(input: { command_id: string; requested_by: string; command: HolooCommand | unknown; lock_timeout_ms?: number }): Promise<AppliedCommand> {
    const kind = typeof input.command === 'object' && input.command !== null && 'kind' in input.command ? String(input.command.kind) : 'unknown';
    return this.applyCommand(
      { command_id: input.command_id, requested_by: input.requested_by, command_kind: kind, lock_timeout_ms: input.lock_timeout_ms },
      async (scope) => (await executeHolooCommand(scope, input.command)) as unknown as JsonValue,
    );
  }

  async findAppliedCommand(commandId: string): Promise<AppliedCommand | null> {
    await this.ensureAgentTables();
    const scope = await this.scope();
    return findAppliedCommand({ dialect: this.dialect, db: this.db, schema: this.schema, shape: scope.shape }, commandId.toLowerCase());
  }

  /** The per-change log of one command: which panel user asked, which row, before → after. */
  async readChangeLog(commandId: string): Promise<ChangeLogRow[]> {
    await this.ensureAgentTables();
    const rows = (await this.db
      .withSchema(this.schema)
      .selectFrom(CHANGE_LOG_TABLE)
      .selectAll()
      .where('command_id', '=', commandId.toLowerCase())
      .orderBy('change_id')
      .execute()) as Array<Record<string, unknown>>;
    return rows.map((row) => ({
      command_id: String(row.command_id).toLowerCase(),
      requested_by: String(row.requested_by),
      table_name: String(row.table_name),
      row_key: String(row.row_key),
      change_kind: String(row.change_kind),
      before: row.before_json === null ? null : JSON.parse(String(row.before_json)),
      after: row.after_json === null ? null : JSON.parse(String(row.after_json)),
      changed_at: toNaiveDateTime(row.changed_at),
    }));
  }

  async close(): Promise<void> {
    await this.closeDb();
  }
}
