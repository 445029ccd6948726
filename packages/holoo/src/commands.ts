/**
 * Exactly-once application of panel commands. A command's changes and the row that records its id
 * (ChaharsuAppliedCommand, primary key = command id) commit in ONE transaction of the branch
 * database, so after any crash either both are there or neither. A re-delivered id finds its row
 * and gets the stored result back without applying again; two deliveries racing each other collide
 * on the primary key (SQL Server also serialises them earlier with UPDLOCK/HOLDLOCK on the lookup).
 *
 * A command the rules reject (AppError: unknown article, code taken…) changed nothing; its rejection
 * is recorded under the same id, so a re-delivery returns the same answer. Any other error (deadlock,
 * lock timeout, lost connection) records nothing: the caller retries the same id later.
 */
import { sql } from 'kysely';
import { AppError } from '@chaharsu/kit';
import { APPLIED_COMMAND_TABLE, type HolooDb, type HolooDialect, type NaiveDateTime, toNaiveDateTime } from './dialect.js';
import { type CommandScope, createArticle, createMainGroup, createSubGroup, renameGroup, updateArticles } from './catalog.writer.js';
import { writeDocument } from './documents.writer.js';
import { HolooCommand, type HolooCommandResult } from './holoo.contracts.js';
import { HolooErrors } from './holoo.errors.js';
import { type CompanyShape } from './shape.js';
import { parseCommandInput } from './validate.js';

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

export interface AppliedCommand {
  command_id: string;
  command_kind: string;
  /** `applied`: the changes are in the database; `rejected`: nothing changed, `result` holds the error. */
  outcome: 'applied' | 'rejected';
  /** True when this call found the id already recorded (a re-delivery) and applied nothing. */
  replayed: boolean;
  result: JsonValue;
  requested_by: string;
  applied_at: NaiveDateTime | null;
}

export interface RejectedResult { code: string; params: Record<string, string | number | boolean | null> }

export interface ApplyCommandInput {
  command_id: string;
  /** The panel user who asked (E4), stored with the id and with every changed row. */
  requested_by: string;
  command_kind: string;
  /** How long a statement waits for a row Holoo holds before the command fails as transient. */
  lock_timeout_ms?: number;
}

interface CompanyHandle { dialect: HolooDialect; db: HolooDb; schema: string; shape: CompanyShape }

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function appliedCommandQuery(company: Pick<CompanyHandle, 'dialect' | 'schema'>, db: HolooDb, commandId: string, lock: boolean) {
  return sql<Record<string, unknown>>`select command_id, command_kind, outcome, result, requested_by, applied_at
    from ${sql.table(`${company.schema}.${APPLIED_COMMAND_TABLE}`)}${lock ? company.dialect.rangeLockHint() : sql``}
    where command_id = ${commandId}`.compile(db);
}

function toApplied(row: Record<string, unknown>, replayed: boolean): AppliedCommand {
  return {
    command_id: String(row.command_id).toLowerCase(),
    command_kind: String(row.command_kind),
    outcome: row.outcome === 'rejected' ? 'rejected' : 'applied',
    replayed,
    result: JSON.parse(String(row.result)) as JsonValue,
    requested_by: String(row.requested_by),
    applied_at: toNaiveDateTime(row.applied_at),
  };
}

export async function findAppliedCommand(company: CompanyHandle, commandId: string, db: HolooDb = company.db): Promise<AppliedCommand | null> {
  const result = await db.executeQuery<Record<string, unknown>>(appliedCommandQuery(company, db, commandId, false));
  const row = result.rows[0];
  return row ? toApplied(row, true) : null;
}

async function recordCommand(db: HolooDb, company: CompanyHandle, input: ApplyCommandInput, outcome: 'applied' | 'rejected', result: JsonValue): Promise<void> {
  await db
    .withSchema(company.schema)
    .insertInto(APPLIED_COMMAND_TABLE)
    .values({ command_id: input.command_id, command_kind: input.command_kind, outcome, result: JSON.stringify(result), requested_by: input.requested_by })
    .execute();
}

/** Runs `fn` and records the command id in one transaction; a known id returns the stored outcome. */
export async function applyCommand(company: CompanyHandle, input: ApplyCommandInput, fn: (scope: CommandScope) => Promise<JsonValue>): Promise<AppliedCommand> {
  if (!uuidPattern.test(input.command_id)) throw new AppError(HolooErrors['holoo.invalid_command'], { field: 'command_id' });
  if (input.requested_by.trim() === '' || input.requested_by.length > 200) throw new AppError(HolooErrors['holoo.invalid_command'], { field: 'requested_by' });
  if (input.lock_timeout_ms !== undefined && !(input.lock_timeout_ms >= 100 && input.lock_timeout_ms <= 600_000)) {
    throw new AppError(HolooErrors['holoo.invalid_command'], { field: 'lock_timeout_ms' });
  }
  const commandId = input.command_id.toLowerCase();
  const known = await findAppliedCommand(company, commandId);
  if (known) return known;
  const base = { command_id: commandId, command_kind: input.command_kind, requested_by: input.requested_by };
  try {
    return await company.db.transaction().execute(async (tx) => {
      await company.dialect.prepareCommandTransaction(tx, input.lock_timeout_ms ?? 10_000);
      const raced = await tx.executeQuery<Record<string, unknown>>(appliedCommandQuery(company, tx, commandId, true));
      if (raced.rows[0]) return toApplied(raced.rows[0], true);
      const result = await fn({ dialect: company.dialect, tx, schema: company.schema, shape: company.shape, command_id: commandId, requested_by: input.requested_by });
      await recordCommand(tx, company, { ...input, command_id: commandId }, 'applied', result);
      return { ...base, outcome: 'applied' as const, replayed: false, result, applied_at: null };
    });
  } catch (error) {
    if (error instanceof AppError) return recordRejection(company, { ...input, command_id: commandId }, error);
    if (company.dialect.isUniqueViolation(error)) {
      // Another delivery of the same id committed first: answer with its outcome.
      const stored = await findAppliedCommand(company, commandId);
      if (stored) return stored;
    }
    throw error;
  }
}

async function recordRejection(company: CompanyHandle, input: ApplyCommandInput, error: AppError): Promise<AppliedCommand> {
  const result: JsonValue = { code: error.code, params: error.params };
  try {
    await recordCommand(company.db, company, input, 'rejected', result);
  } catch (insertError) {
    if (!company.dialect.isUniqueViolation(insertError)) throw insertError;
    const stored = await findAppliedCommand(company, input.command_id);
    if (stored) return stored;
    throw insertError;
  }
  return { command_id: input.command_id, command_kind: input.command_kind, requested_by: input.requested_by, outcome: 'rejected', replayed: false, result, applied_at: null };
}

/** Runs one validated panel command against the company database, inside `applyCommand`'s transaction. */
export async function executeHolooCommand(scope: CommandScope, raw: unknown): Promise<HolooCommandResult> {
  const command = parseCommandInput(HolooCommand, raw);
  switch (command.kind) {
    case 'articles.update':
      return updateArticles(scope, command.changes);
    case 'article.create':
      return createArticle(scope, command.article);
    case 'main_group.create':
      return createMainGroup(scope, command);
    case 'main_group.rename':
      return renameGroup(scope, { main_code: command.code, code: null, name: command.name });
    case 'sub_group.create':
      return createSubGroup(scope, command);
    case 'sub_group.rename':
      return renameGroup(scope, { main_code: command.main_code, code: command.code, name: command.name });
    case 'document.sale':
      return writeDocument(scope, 'sale', command.document);
    case 'document.pre_invoice':
      return writeDocument(scope, 'pre_invoice', command.document);
  }
}
