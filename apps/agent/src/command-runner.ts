/**
 * Commands exactly once, on the agent's side:
 *   delivery → journal (fsync) → "received" → apply in ONE branch-database transaction that also
 *   records the command id (ChaharsuAppliedCommand) → journal the result → report → server's ack →
 *   journal "acked".
 * Commands apply in the server's per-agent seq order; a gap waits for the server's re-delivery.
 * A re-delivered command that already has a result gets that result again; one that the journal no
 * longer holds is looked up in the branch database (the applied-command table is the ground truth).
 * A crash anywhere is safe: before the commit nothing changed and the command is applied on restart;
 * after it, the applied-command table answers "already applied" and only the result is sent.
 */
import { AppError } from '@chaharsu/kit';
import { executeHolooCommand, type AppliedCommand, type HolooInstance, type JsonValue } from '@chaharsu/holoo';
import type { CommandDelivery } from '@chaharsu/branch-sync/protocol';
import type { CommandJournal, StoredResult } from './journal.js';
import type { Faults } from './faults.js';
import type { AgentLog } from './log.js';

export interface RunnerPort {
  /** Sends when connected; returns false when not (the message is re-sent after the next welcome). */
  sendReceived(command_id: string): boolean;
  sendResult(result: StoredResult): boolean;
  sendTrouble(command_id: string, error: string, transient: boolean): boolean;
}

const RETRY_BASE_MS = 500;
const RETRY_CAP_MS = 30_000;
const LOCK_TIMEOUT_MS = 10_000;

function toStored(applied: AppliedCommand): StoredResult {
  return { command_id: applied.command_id, outcome: applied.outcome, result: applied.result, replayed: applied.replayed, applied_at: applied.applied_at };
}

export class CommandRunner {
  #running = false;
  #again = false;
  #failures = 0;
  #retryTimer: NodeJS.Timeout | null = null;
  #stopped = false;
  /** The command being applied now (pre-shutdown waits for it). */
  busy: Promise<void> = Promise.resolve();

  constructor(
    private readonly journal: CommandJournal,
    private readonly holoo: Pick<HolooInstance, 'company' | 'dialect'>,
    private readonly port: RunnerPort,
    private readonly faults: Faults,
    private readonly log: AgentLog,
  ) {}

  /** A delivery from the server (possibly a duplicate). */
  async onDelivery(delivery: CommandDelivery): Promise<void> {
    const known = this.journal.entries.get(delivery.command_id);
    if (known) {
      if (known.result) this.report(known.result);
      else this.port.sendReceived(delivery.command_id);
      return;
    }
    if (delivery.seq <= this.journal.settledThroughSeq) {
      // Settled and already forgotten here: the branch database has its outcome.
      const applied = await this.holoo.company(delivery.company_database).findAppliedCommand(delivery.command_id);
      if (applied) { this.report(toStored({ ...applied, replayed: true })); return; }
    }
    this.journal.append({ t: 'command', delivery, received_at: new Date().toISOString() });
    this.faults.at('after_store');
    this.port.sendReceived(delivery.command_id);
    this.kick();
  }

  onResultAck(command_id: string): void {
    const entry = this.journal.entries.get(command_id);
    if (entry && !entry.acked) this.journal.append({ t: 'acked', command_id });
  }

  /** After (re)connecting: every result the server has not acknowledged goes again. */
  resendUnacked(): void {
    for (const result of this.journal.unackedResults()) this.report(result);
  }

  /** Applies what can be applied now, in seq order. Re-entrant calls coalesce. */
  kick(): void {
    if (this.#stopped) return;
    if (this.#running) { this.#again = true; return; }
    this.#running = true;
    this.busy = this.drain().finally(() => { this.#running = false; if (this.#again) { this.#again = false; this.kick(); } });
  }

  stop(): void {
    this.#stopped = true;
    if (this.#retryTimer) clearTimeout(this.#retryTimer);
  }

  private async drain(): Promise<void> {
    for (let next = this.journal.nextToApply(); next && !this.#stopped; next = this.journal.nextToApply()) {
      const ok = await this.applyOne(next);
      if (!ok) return;
    }
  }

  /** Returns false when the command could not be settled now (retried later with back-off). */
  private async applyOne(delivery: CommandDelivery): Promise<boolean> {
    const company = this.holoo.company(delivery.company_database);
    let applied: AppliedCommand;
    try {
      applied = await company.applyCommand(
        { command_id: delivery.command_id, requested_by: delivery.requested_by, command_kind: delivery.command.kind, lock_timeout_ms: LOCK_TIMEOUT_MS },
        async (scope) => {
          const result = (await executeHolooCommand(scope, delivery.command)) as unknown as JsonValue;
          this.faults.at('before_commit');
          return result;
        },
      );
    } catch (error) {
      this.onApplyFailure(delivery, error);
      return false;
    }
    this.faults.at('after_commit');
    this.#failures = 0;
    const stored = toStored(applied);
    this.journal.append({ t: 'result', result: stored });
    this.faults.at('after_result_stored');
    this.log.info(`command ${delivery.command_id} (${delivery.command.kind}, seq ${delivery.seq}) ${applied.outcome}${applied.replayed ? ' (already applied)' : ''}`);
    this.report(stored);
    return true;
  }

  private onApplyFailure(delivery: CommandDelivery, error: unknown): void {
    const transient = this.holoo.dialect.isTransient(error);
    const message = error instanceof AppError ? error.code : error instanceof Error ? error.message : String(error);
    this.#failures += 1;
    this.log.warn(`command ${delivery.command_id} not applied (${transient ? 'transient' : 'needs attention'}), retrying`, message);
    this.port.sendTrouble(delivery.command_id, message, transient);
    const delay = Math.min(RETRY_CAP_MS, RETRY_BASE_MS * 2 ** Math.min(this.#failures - 1, 16)) * (0.5 + Math.random() / 2);
    if (this.#retryTimer) clearTimeout(this.#retryTimer);
    this.#retryTimer = setTimeout(() => { this.#retryTimer = null; this.kick(); }, delay);
    this.#retryTimer.unref();
  }

  private report(result: StoredResult): void {
    const delay = this.faults.reportDelayMs();
    if (delay > 0) setTimeout(() => this.port.sendResult(result), delay);
    else this.port.sendResult(result);
  }
}
