/**
 * The ledger's rules. Every method is (ctx, input) and runs in the caller's transaction (ctx.db), so a
 * module's own rows (a charge, an approved request) and the money movement commit together.
 *
 * Posting: lock the accounts involved (sorted by id, one statement), decide every transfer in order in
 * memory against the locked balances, then write transfers, entries and the new balances in one
 * statement, which travels with the caller's next statement. A batch of many transfers costs the same
 * round trips as one.
 */
import { AppError, assert, newId, rialToJson } from '@chaharsu/kit';
import type { Ctx } from '@chaharsu/http';
import { ledgerRepository as repo, type AccountRow, type AccountUpdate, type NewEntryRow, type NewTransferRow, type TransferRow } from './ledger.repository.js';
import { reconcileLedger } from './ledger.reconcile.js';
import './ledger.errors.js';
import type { AccountDto, AccountsQuery, LedgerAccountKind, ReconcileReport, Statement, StatementQuery } from './ledger.contracts.js';

export interface OpenAccountInput {
  kind: LedgerAccountKind;
  name: string;
  owner_type?: string | null;
  owner_id?: string | null;
  /** Funding/equity-like accounts go negative as they issue value; credit accounts never may. */
  allow_negative?: boolean;
  /** Chosen by the caller when it must know the id before the account exists (same transaction). */
  id?: string;
}

export interface TransferInput {
  from_account_id: string;
  to_account_id: string;
  amount_rial: bigint;
  /** What the movement is, e.g. `credit_sales.charge`, `shop.payment`. */
  kind: string;
  reference_type?: string | null;
  reference_id?: string | null;
  memo?: string | null;
  /** Unique per organisation: a retry with the same key returns the first transfer and moves nothing. */
  idempotency_key?: string | null;
  id?: string;
}

export interface PostedTransfer {
  id: string;
  from_account_id: string;
  to_account_id: string;
  amount_rial: bigint;
  kind: string;
  reference_type: string | null;
  reference_id: string | null;
  memo: string | null;
  idempotency_key: string | null;
  created_at: Date;
  /** Running balances right after this transfer; null for a replay (see the statement for history). */
  from_balance_after_rial: bigint | null;
  to_balance_after_rial: bigint | null;
}

export type TransferOutcome =
  | { status: 'posted'; transfer: PostedTransfer }
  | { status: 'replayed'; transfer: PostedTransfer }
  | { status: 'refused'; code: 'ledger.insufficient_funds' | 'ledger.idempotency_key_reused' };

/** Accounts locked in the current transaction: what `post` decides against. Valid only inside that transaction. */
export interface LockedAccounts {
  readonly db: Ctx['db'];
  readonly now: Date;
  readonly accounts: Map<string, { allow_negative: boolean; balance_rial: bigint; version: bigint; start_version: bigint }>;
}

/** `all_or_nothing`: the first refusal throws (the caller's transaction rolls back). `each`: refusals are per transfer. */
export type PostMode = 'all_or_nothing' | 'each';

export const MAX_TRANSFERS_PER_POST = 5_000;

function orgOf(ctx: Ctx): string {
  assert(ctx.org_id, 'ledger operations need an organisation in the context');
  return ctx.org_id;
}

export function accountDto(row: AccountRow): AccountDto {
  return {
    id: row.id, kind: row.kind, name: row.name, owner_type: row.owner_type, owner_id: row.owner_id,
    allow_negative: row.allow_negative, balance_rial: rialToJson(row.balance_rial), version: Number(row.version),
    created_at: row.created_at.toISOString(),
  };
}

function postedFrom(row: TransferRow, from_after: bigint | null, to_after: bigint | null): PostedTransfer {
  return { ...row, from_balance_after_rial: from_after, to_balance_after_rial: to_after };
}

function sameTransfer(stored: TransferRow, input: TransferInput): boolean {
  return stored.from_account_id === input.from_account_id && stored.to_account_id === input.to_account_id
    && stored.amount_rial === input.amount_rial && stored.kind === input.kind
    && (stored.reference_type ?? null) === (input.reference_type ?? null) && (stored.reference_id ?? null) === (input.reference_id ?? null);
}

function validate(input: TransferInput, locked: LockedAccounts): void {
  if (input.amount_rial <= 0n || input.from_account_id === input.to_account_id) throw new AppError('ledger.invalid_transfer');
  if (!locked.accounts.has(input.from_account_id) || !locked.accounts.has(input.to_account_id)) throw new AppError('ledger.account_not_found');
}

interface Plan { outcomes: TransferOutcome[]; transfers: NewTransferRow[]; entries: NewEntryRow[] }

/** Decides each transfer in order against the running balances; the first fitting transfers go through, the rest are refused. */
function plan(inputs: TransferInput[], locked: LockedAccounts, stored: Map<string, TransferRow>, mode: PostMode): Plan {
  const out: Plan = { outcomes: [], transfers: [], entries: [] };
  const keysInBatch = new Map<string, TransferInput>();
  for (const input of inputs) {
    validate(input, locked);
    const key = input.idempotency_key ?? null;
    const previous = key ? stored.get(key) : undefined;
    if (previous || (key && keysInBatch.has(key))) {
      const same = previous ? sameTransfer(previous, input) : false;
      if (!same && mode === 'all_or_nothing') throw new AppError('ledger.idempotency_key_reused');
      out.outcomes.push(previous && same ? { status: 'replayed', transfer: postedFrom(previous, null, null) } : { status: 'refused', code: 'ledger.idempotency_key_reused' });
      continue;
    }
    const from = locked.accounts.get(input.from_account_id);
    const to = locked.accounts.get(input.to_account_id);
    assert(from && to, 'validated accounts are locked');
    if (!from.allow_negative && from.balance_rial < input.amount_rial) {
      if (mode === 'all_or_nothing') throw new AppError('ledger.insufficient_funds', { account_id: input.from_account_id });
      out.outcomes.push({ status: 'refused', code: 'ledger.insufficient_funds' });
      continue;
    }
    const id = input.id ?? newId();
    from.balance_rial -= input.amount_rial; from.version += 1n;
    to.balance_rial += input.amount_rial; to.version += 1n;
    out.entries.push({ account_id: input.from_account_id, version: from.version, transfer_id: id, amount_rial: -input.amount_rial, balance_after_rial: from.balance_rial });
    out.entries.push({ account_id: input.to_account_id, version: to.version, transfer_id: id, amount_rial: input.amount_rial, balance_after_rial: to.balance_rial });
    const row: NewTransferRow = {
      id, from_account_id: input.from_account_id, to_account_id: input.to_account_id, amount_rial: input.amount_rial, kind: input.kind,
      reference_type: input.reference_type ?? null, reference_id: input.reference_id ?? null, memo: input.memo ?? null, idempotency_key: key,
    };
    out.transfers.push(row);
    if (key) keysInBatch.set(key, input);
    out.outcomes.push({ status: 'posted', transfer: postedFrom({ ...row, created_at: locked.now }, from.balance_rial, to.balance_rial) });
  }
  return out;
}

export function createLedgerService() {
  const service = {
    async openAccount(ctx: Ctx, input: OpenAccountInput): Promise<AccountDto> {
      const row = await repo.insertAccount(ctx.db, orgOf(ctx), {
        id: input.id ?? newId(), kind: input.kind, name: input.name, owner_type: input.owner_type ?? null, owner_id: input.owner_id ?? null,
        allow_negative: input.allow_negative ?? false,
      });
      return accountDto(row);
    },

    async getAccount(ctx: Ctx, account_id: string): Promise<AccountDto> {
      const row = await repo.findAccount(ctx.db, orgOf(ctx), account_id);
      if (!row) throw new AppError('ledger.account_not_found');
      return accountDto(row);
    },

    async getAccounts(ctx: Ctx, account_ids: string[]): Promise<AccountDto[]> {
      return (await repo.findAccounts(ctx.db, orgOf(ctx), account_ids)).map(accountDto);
    },

    async listAccounts(ctx: Ctx, query: AccountsQuery): Promise<{ items: AccountDto[]; total: number }> {
      const { rows, total } = await repo.listAccounts(ctx.db, orgOf(ctx), query);
      return { items: rows.map(accountDto), total };
    },

    /** The balance as of the caller's snapshot (equal to the sum of the account's entries). */
    async balance(ctx: Ctx, account_id: string): Promise<bigint> {
      const row = await repo.findAccount(ctx.db, orgOf(ctx), account_id);
      if (!row) throw new AppError('ledger.account_not_found');
      return row.balance_rial;
    },

    /** Locks accounts (FOR UPDATE, id order) for the rest of the transaction; pass the result to `post`. */
    async lockAccounts(ctx: Ctx, account_ids: string[]): Promise<LockedAccounts> {
      const ids = [...new Set(account_ids)].sort();
      const rows = await repo.lockAccounts(ctx.db, orgOf(ctx), ids);
      const accounts = new Map(rows.map((r) => [r.id, { allow_negative: r.allow_negative, balance_rial: r.balance_rial, version: r.version, start_version: r.version }]));
      return { db: ctx.db, now: rows[0]?.now ?? new Date(), accounts };
    },

    /** Posts transfers in order against accounts locked by `lockAccounts` in this same transaction. */
    async post(ctx: Ctx, locked: LockedAccounts, inputs: TransferInput[], mode: PostMode): Promise<TransferOutcome[]> {
      assert(locked.db === ctx.db, 'accounts must be locked in the same transaction');
      assert(inputs.length <= MAX_TRANSFERS_PER_POST, `at most ${MAX_TRANSFERS_PER_POST} transfers per post`);
      const org_id = orgOf(ctx);
      const keys = inputs.map((i) => i.idempotency_key).filter((k): k is string => !!k);
      const stored = new Map((await repo.findTransfersByKeys(ctx.db, org_id, keys)).map((t) => [t.idempotency_key as string, t]));
      const planned = plan(inputs, locked, stored, mode);
      if (planned.transfers.length === 0) return planned.outcomes;
      const updates: AccountUpdate[] = [];
      for (const [id, a] of locked.accounts) {
        if (a.version !== a.start_version) updates.push({ id, balance_rial: a.balance_rial, version: a.version, expected_version: a.start_version });
      }
      // Deferred: it raises (and the transaction rolls back) if a locked account is not at the version read.
      await repo.writeBatch(ctx.db, org_id, locked.now, planned.transfers, planned.entries, updates);
      for (const a of locked.accounts.values()) a.start_version = a.version;
      return planned.outcomes;
    },

    /** One transfer, all or nothing: throws `ledger.insufficient_funds` / `ledger.idempotency_key_reused`. */
    async transfer(ctx: Ctx, input: TransferInput): Promise<PostedTransfer> {
      const locked = await service.lockAccounts(ctx, [input.from_account_id, input.to_account_id]);
      const [outcome] = await service.post(ctx, locked, [input], 'all_or_nothing');
      assert(outcome && outcome.status !== 'refused', 'all_or_nothing posts throw on refusal');
      return outcome.transfer;
    },

    /** Several transfers in one go; `all_or_nothing` for linked legs (sale + fee), `each` for independent ones. */
    async transferBatch(ctx: Ctx, inputs: TransferInput[], mode: PostMode): Promise<TransferOutcome[]> {
      if (inputs.length === 0) return [];
      const locked = await service.lockAccounts(ctx, inputs.flatMap((i) => [i.from_account_id, i.to_account_id]));
      return service.post(ctx, locked, inputs, mode);
    },

    async statement(ctx: Ctx, account_id: string, query: StatementQuery): Promise<Statement> {
      const org_id = orgOf(ctx);
      const account = await service.getAccount(ctx, account_id);
      const from = query.from ? new Date(query.from) : null;
      const to = query.to ? new Date(query.to) : null;
      const range = await repo.statementRange(ctx.db, org_id, account_id, from, to);
      const first = range.first_version === null ? undefined : await repo.entryAt(ctx.db, org_id, account_id, range.first_version);
      const last = range.last_version === null ? undefined : await repo.entryAt(ctx.db, org_id, account_id, range.last_version);
      const opening = first ? first.balance_after_rial - first.amount_rial : (from ? await repo.balanceBefore(ctx.db, org_id, account_id, from) : 0n);
      const lines = await repo.statementLines(ctx.db, org_id, account_id, { from, to, order: query.order, limit: query.limit, offset: query.offset });
      return {
        account,
        opening_balance_rial: rialToJson(opening),
        closing_balance_rial: rialToJson(last ? last.balance_after_rial : opening),
        total: range.total,
        items: lines.map((l) => ({
          version: Number(l.version), transfer_id: l.transfer_id, created_at: l.created_at.toISOString(),
          amount_rial: rialToJson(l.amount_rial), balance_after_rial: rialToJson(l.balance_after_rial), kind: l.kind, memo: l.memo,
          reference_type: l.reference_type, reference_id: l.reference_id, counter_account_id: l.counter_account_id,
        })),
      };
    },

    async reconcile(ctx: Ctx): Promise<ReconcileReport> {
      return reconcileLedger(ctx.db, orgOf(ctx));
    },
  };
  return service;
}

export type LedgerApi = ReturnType<typeof createLedgerService>;
