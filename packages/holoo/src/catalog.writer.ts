/**
 * Catalog writes inside a command transaction: article name / price level / active flag / min stock,
 * new articles, new or renamed main and sub groups. Text goes in as Holoo stores it (Arabic ي/ك,
 * Latin digits); every changed row gets Endeditdate = the server's clock, like Holoo's own edits, and
 * one ChaharsuChangeLog row naming the panel user who asked.
 */
import { sql } from 'kysely';
import { AppError } from '@chaharsu/kit';
import { type HolooDialect, type HolooTx, CHANGE_LOG_TABLE } from './dialect.js';
import {
  type ArticleChange,
  type ArticleCreateResult,
  type ArticlesUpdateResult,
  type CreateArticleInput,
  type GroupResult,
  CreateArticleInput as CreateArticleSchema,
} from './holoo.contracts.js';
import { HolooErrors } from './holoo.errors.js';
import { PRICE_LEVEL_COLUMNS } from './holoo.tables.js';
import { type CompanyShape, insertRow } from './shape.js';
import { varcharKey } from './catalog.reader.js';
import { toHolooText } from './text.js';
import { parseCommandInput } from './validate.js';

export interface CommandScope {
  dialect: HolooDialect;
  tx: HolooTx;
  schema: string;
  shape: CompanyShape;
  command_id: string;
  requested_by: string;
}

export interface ChangeEntry {
  table_name: string;
  row_key: string;
  change_kind: 'update' | 'insert';
  before: unknown;
  after: unknown;
}

const now = () => sql`CURRENT_TIMESTAMP`;
const CHUNK = 500;

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Writes the per-change log (E4: which panel user asked for which change), a few hundred rows per statement. */
export async function logChanges(scope: CommandScope, entries: readonly ChangeEntry[]): Promise<void> {
  // 8 parameters a row; SQL Server accepts at most 2,100 per statement.
  for (const part of chunks(entries, 200)) {
    await scope.tx
      .withSchema(scope.schema)
      .insertInto(CHANGE_LOG_TABLE)
      .values(
        part.map((e) => ({
          command_id: scope.command_id,
          requested_by: scope.requested_by,
          table_name: e.table_name,
          row_key: e.row_key,
          change_kind: e.change_kind,
          before_json: e.before === null ? null : JSON.stringify(e.before),
          after_json: JSON.stringify(e.after),
        })),
      )
      .execute();
  }
}

/** The Holoo column values one change sets (by Holoo's column names), checked against this database's columns. */
function articleAssignments(scope: CommandScope, change: ArticleChange): Record<string, unknown> {
  const table = scope.shape.table('ARTICLE');
  const set: Record<string, unknown> = {};
  if (change.name !== undefined) set[table.require('A_Name')] = toHolooText(change.name);
  for (const { level, price } of change.prices ?? []) set[table.require(PRICE_LEVEL_COLUMNS[level - 1] ?? 'Sel_Price')] = price;
  if (change.is_active !== undefined) set[table.require('IsActive')] = change.is_active;
  if (change.min_stock !== undefined) set[table.require('A_Min')] = change.min_stock;
  return set;
}

function sameValue(before: unknown, after: unknown): boolean {
  if (typeof after === 'boolean') return (before === true || before === 1) === after;
  if (typeof after === 'number') return before !== null && before !== undefined && Number(before) === after;
  return (before ?? null) === after;
}

async function readCurrent(scope: CommandScope, codes: readonly string[], columns: readonly string[]) {
  const table = scope.shape.table('ARTICLE');
  const code = table.require('A_Code');
  const current = new Map<string, Record<string, unknown>>();
  for (const part of chunks(codes, 1_000)) {
    // Update locks on the rows about to change, so a concurrent Holoo edit waits (or times out) instead of being lost.
    const result = await sql<Record<string, unknown>>`select ${sql.join([code, ...columns].map((c) => sql.ref(c)))}
      from ${sql.table(`${scope.schema}.${table.table}`)}${scope.dialect.rangeLockHint()}
      where ${sql.ref(code)} in (${sql.join(part.map((c) => varcharKey(c, 7)))})`.execute(scope.tx);
    const rows = result.rows;
    for (const row of rows) current.set(String(row[code]).trim(), row);
  }
  return current;
}

/**
 * Executes the planned updates: rows that get identical values share one `IN (…)` UPDATE (a bulk
 * "deactivate" or "price = X"); rows with their own values and the same columns share one UPDATE
 * joined to a VALUES list (a bulk price change of 10,000 articles is a handful of statements).
 */
async function writeArticleUpdates(scope: CommandScope, groups: ReadonlyArray<{ set: Record<string, unknown>; codes: string[] }>): Promise<void> {
  const table = scope.shape.table('ARTICLE');
  const code = table.require('A_Code');
  const edited = table.column('Endeditdate');
  const byColumns = new Map<string, Array<{ code: string; values: unknown[] }>>();
  for (const { set, codes } of groups) {
    if (codes.length === 1 && codes[0] !== undefined) {
      const key = Object.keys(set).join(',');
      byColumns.set(key, [...(byColumns.get(key) ?? []), { code: codes[0], values: Object.values(set) }]);
      continue;
    }
    for (const part of chunks(codes, CHUNK)) {
      await scope.tx
        .withSchema(scope.schema)
        .updateTable(table.table)
        .set(edited ? { ...set, [edited]: now() } : set)
        .where(code, 'in', part.map((c) => varcharKey(c, 7)))
        .execute();
    }
  }
  const keyInfo = table.info(code);
  if (!keyInfo) throw new Error('ARTICLE has no A_Code column');
  for (const [key, rows] of byColumns) {
    const columns = key.split(',').map((name) => table.info(name)).filter((c): c is NonNullable<typeof c> => c !== undefined);
    // SQL Server accepts at most 2,100 parameters per statement.
    for (const part of chunks(rows, Math.floor(2_000 / (columns.length + 1)))) {
      const rowsOfValues = part.map((r) => [r.code, ...r.values]);
      await scope.dialect.updateFromValues({ schema: scope.schema, table: table.table, key: keyInfo, columns, rows: rowsOfValues, touch: edited }).execute(scope.tx);
    }
  }
}

/** Applies name / price level / active / min-stock changes; all articles must exist (else nothing changes). */
export async function updateArticles(scope: CommandScope, changes: readonly ArticleChange[]): Promise<ArticlesUpdateResult> {
  const planned = changes.map((change) => ({ a_code: change.a_code, set: articleAssignments(scope, change) }));
  const columns = [...new Set(planned.flatMap((p) => Object.keys(p.set)))];
  const current = await readCurrent(scope, [...new Set(changes.map((c) => c.a_code))], columns);
  const missing = planned.filter((p) => !current.has(p.a_code)).map((p) => p.a_code);
  if (missing.length > 0) throw new AppError(HolooErrors['holoo.article_not_found'], { a_code: missing.slice(0, 20).join(','), count: missing.length });

  // Rows that set the same values are updated together (a bulk "deactivate" or "price = X" is a few statements).
  const groups = new Map<string, { set: Record<string, unknown>; codes: string[] }>();
  const log: ChangeEntry[] = [];
  let unchanged = 0;
  for (const p of planned) {
    const before = current.get(p.a_code) ?? {};
    const changed = Object.entries(p.set).filter(([column, value]) => !sameValue(before[column], value));
    if (changed.length === 0) { unchanged += 1; continue; }
    const set = Object.fromEntries(changed);
    const key = JSON.stringify(set);
    const group = groups.get(key) ?? { set, codes: [] };
    group.codes.push(p.a_code);
    groups.set(key, group);
    log.push({ table_name: 'ARTICLE', row_key: p.a_code, change_kind: 'update', before: Object.fromEntries(changed.map(([c]) => [c, before[c] ?? null])), after: set });
  }
  await writeArticleUpdates(scope, [...groups.values()]);
  await logChanges(scope, log);
  return { updated: log.length, unchanged };
}

async function maxUnderLock(scope: CommandScope, tableName: string, column: string, where: ReturnType<typeof sql>, lockKey: string): Promise<string | null> {
  await scope.dialect.lockRange(scope.tx, `${scope.schema}.${lockKey}`);
  const row = await sql<{ max_value: string | null }>`select max(${sql.ref(column)}) as max_value
    from ${sql.table(`${scope.schema}.${tableName}`)}${scope.dialect.rangeLockHint()} where ${where}`.execute(scope.tx);
  const value = row.rows[0]?.max_value;
  return value === null || value === undefined ? null : String(value).trim();
}

async function groupRow(scope: CommandScope, mainCode: string, subCode: string | null): Promise<Record<string, unknown> | undefined> {
  const table = scope.shape.table(subCode === null ? 'M_GROUP' : 'S_GROUP');
  let query = scope.tx.withSchema(scope.schema).selectFrom(table.table).selectAll().where(table.require('M_groupcode'), '=', varcharKey(mainCode, 2));
  if (subCode !== null) query = query.where(table.require('S_groupcode'), '=', varcharKey(subCode, 2));
  return (await query.executeTakeFirst()) as Record<string, unknown> | undefined;
}

async function nextGroupCode(scope: CommandScope, mainCode: string | null): Promise<string> {
  const table = scope.shape.table(mainCode === null ? 'M_GROUP' : 'S_GROUP');
  const column = table.require(mainCode === null ? 'M_groupcode' : 'S_groupcode');
  const where = mainCode === null ? sql`1 = 1` : sql`${sql.ref(table.require('M_groupcode'))} = ${varcharKey(mainCode, 2)}`;
  const max = await maxUnderLock(scope, table.table, column, where, `${table.table}.${mainCode ?? ''}`);
  const next = (max && /^\d+$/.test(max) ? Number(max) : 0) + 1;
  if (next > 99) throw new AppError(HolooErrors['holoo.group_code_range_full'], { main_code: mainCode ?? '' });
  return String(next).padStart(2, '0');
}

async function assertWarehouse(scope: CommandScope, warehouseCode: number): Promise<void> {
  if (!scope.shape.has('TYPE_ANB')) throw new AppError(HolooErrors['holoo.warehouse_not_found'], { warehouse_code: warehouseCode });
  const table = scope.shape.table('TYPE_ANB');
  const found = await scope.tx.withSchema(scope.schema).selectFrom(table.table).select(table.require('Type_Anbar_C')).where(table.require('Type_Anbar_C'), '=', warehouseCode).executeTakeFirst();
  if (!found) throw new AppError(HolooErrors['holoo.warehouse_not_found'], { warehouse_code: warehouseCode });
}

export async function createMainGroup(scope: CommandScope, input: { code?: string; name: string; warehouse_code?: number }): Promise<GroupResult> {
  const table = scope.shape.table('M_GROUP');
  if (input.warehouse_code !== undefined) await assertWarehouse(scope, input.warehouse_code);
  const code = input.code ?? (await nextGroupCode(scope, null));
  if (input.code !== undefined) {
    await scope.dialect.lockRange(scope.tx, `${scope.schema}.${table.table}.`);
    if (await groupRow(scope, code, null)) throw new AppError(HolooErrors['holoo.group_code_taken'], { main_code: code });
  }
  const values = { M_groupcode: code, M_groupname: toHolooText(input.name), Type_Anbar_C: input.warehouse_code, Creation_Date: now(), Endeditdate: now() };
  await scope.tx.withSchema(scope.schema).insertInto(table.table).values(insertRow(table, values)).execute();
  await logChanges(scope, [{ table_name: 'M_GROUP', row_key: code, change_kind: 'insert', before: null, after: { name: values.M_groupname, warehouse_code: input.warehouse_code ?? null } }]);
  return { main_code: code, code: null };
}

export async function createSubGroup(scope: CommandScope, input: { main_code: string; code?: string; name: string }): Promise<GroupResult> {
  const table = scope.shape.table('S_GROUP');
  if (!(await groupRow(scope, input.main_code, null))) throw new AppError(HolooErrors['holoo.group_not_found'], { main_code: input.main_code });
  const code = input.code ?? (await nextGroupCode(scope, input.main_code));
  if (input.code !== undefined) {
    await scope.dialect.lockRange(scope.tx, `${scope.schema}.${table.table}.${input.main_code}`);
    if (await groupRow(scope, input.main_code, code)) throw new AppError(HolooErrors['holoo.group_code_taken'], { main_code: input.main_code, code });
  }
  const values = { M_groupcode: input.main_code, S_groupcode: code, S_groupname: toHolooText(input.name), Creation_Date: now(), Endeditdate: now() };
  await scope.tx.withSchema(scope.schema).insertInto(table.table).values(insertRow(table, values)).execute();
  await logChanges(scope, [{ table_name: 'S_GROUP', row_key: `${input.main_code}${code}`, change_kind: 'insert', before: null, after: { name: values.S_groupname } }]);
  return { main_code: input.main_code, code };
}

export async function renameGroup(scope: CommandScope, input: { main_code: string; code: string | null; name: string }): Promise<GroupResult> {
  const isSub = input.code !== null;
  const table = scope.shape.table(isSub ? 'S_GROUP' : 'M_GROUP');
  const nameColumn = table.require(isSub ? 'S_groupname' : 'M_groupname');
  const before = await groupRow(scope, input.main_code, input.code);
  if (!before) throw new AppError(HolooErrors['holoo.group_not_found'], { main_code: input.main_code, code: input.code ?? '' });
  const name = toHolooText(input.name);
  const edited = table.column('Endeditdate');
  let query = scope.tx
    .withSchema(scope.schema)
    .updateTable(table.table)
    .set(edited ? { [nameColumn]: name, [edited]: now() } : { [nameColumn]: name })
    .where(table.require('M_groupcode'), '=', varcharKey(input.main_code, 2));
  if (isSub) query = query.where(table.require('S_groupcode'), '=', varcharKey(input.code ?? '', 2));
  await query.execute();
  await logChanges(scope, [{ table_name: table.table, row_key: `${input.main_code}${input.code ?? ''}`, change_kind: 'update', before: { name: before[nameColumn] ?? null }, after: { name } }]);
  return { main_code: input.main_code, code: input.code };
}

async function allocateArticleCode(scope: CommandScope, prefix: string, requested: string | undefined): Promise<string> {
  const table = scope.shape.table('ARTICLE');
  const code = table.require('A_Code');
  if (requested !== undefined) {
    if (!requested.startsWith(prefix)) throw new AppError(HolooErrors['holoo.article_code_invalid'], { a_code: requested, prefix });
    await scope.dialect.lockRange(scope.tx, `${scope.schema}.ARTICLE.${prefix}`);
    const taken = await maxUnderLock(scope, table.table, code, sql`${sql.ref(code)} = ${varcharKey(requested, 7)}`, `ARTICLE.${prefix}`);
    if (taken !== null) throw new AppError(HolooErrors['holoo.article_code_taken'], { a_code: requested });
    return requested;
  }
  const where = sql`${sql.ref(code)} >= ${varcharKey(`${prefix}000`, 7)} and ${sql.ref(code)} <= ${varcharKey(`${prefix}999`, 7)}`;
  const max = await maxUnderLock(scope, table.table, code, where, `ARTICLE.${prefix}`);
  const serial = (max && /^\d{7}$/.test(max) ? Number(max.slice(4)) : 0) + 1;
  if (serial > 999) throw new AppError(HolooErrors['holoo.article_code_range_full'], { prefix });
  return `${prefix}${String(serial).padStart(3, '0')}`;
}

/** A new article: A_Code = main group(2) + subgroup(2) + serial(3); every other required column gets the database's default or zero. */
export async function createArticle(scope: CommandScope, raw: CreateArticleInput): Promise<ArticleCreateResult> {
  const input = parseCommandInput(CreateArticleSchema, raw);
  const table = scope.shape.table('ARTICLE');
  const mainGroup = await groupRow(scope, input.main_group_code, null);
  if (!mainGroup || !(await groupRow(scope, input.main_group_code, input.sub_group_code))) {
    throw new AppError(HolooErrors['holoo.group_not_found'], { main_code: input.main_group_code, code: input.sub_group_code });
  }
  if (input.unit_code !== undefined) {
    const unit = scope.shape.table('UNIT');
    const found = await scope.tx.withSchema(scope.schema).selectFrom(unit.table).select(unit.require('Unit_Code')).where(unit.require('Unit_Code'), '=', input.unit_code).executeTakeFirst();
    if (!found) throw new AppError(HolooErrors['holoo.unit_not_found'], { unit_code: input.unit_code });
  }
  const aCode = await allocateArticleCode(scope, `${input.main_group_code}${input.sub_group_code}`, input.a_code);
  const groupWarehouse = mainGroup[scope.shape.table('M_GROUP').column('Type_Anbar_C') ?? ''];
  const values: Record<string, unknown> = {
    A_Code: aCode,
    A_Name: toHolooText(input.name),
    A_Code_C: input.barcode ? toHolooText(input.barcode) : undefined,
    VahedCode: input.unit_code,
    A_Min: input.min_stock,
    A_Max: input.max_stock,
    IsActive: input.is_active,
    Delete: table.column('Delete') ? false : undefined,
    Exist: 0,
    First_exist: 0,
    Type_Anbar_C: groupWarehouse ?? undefined,
    Creation_Date: now(),
    Endeditdate: now(),
  };
  for (const { level, price } of input.prices) values[table.require(PRICE_LEVEL_COLUMNS[level - 1] ?? 'Sel_Price')] = price;
  await scope.tx.withSchema(scope.schema).insertInto(table.table).values(insertRow(table, values)).execute();
  const after = { name: values.A_Name, barcode: values.A_Code_C ?? null, prices: input.prices, unit_code: input.unit_code ?? null };
  await logChanges(scope, [{ table_name: 'ARTICLE', row_key: aCode, change_kind: 'insert', before: null, after }]);
  return { a_code: aCode };
}
