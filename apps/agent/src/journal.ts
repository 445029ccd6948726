/**
 * The agent's durable memory of commands: an append-only JSON-lines file, fsync'ed after every record,
 * so "stored" means on disk before the server hears "received". No native database: the agent ships as
 * one executable and must not need install scripts.
 *
 * Records: `command` (the delivery as received), `result` (the outcome recorded in the branch database),
 * `acked` (the server has the result; the command can be forgotten), `floor` (every seq up to it is settled).
 * A torn last line (power cut mid-write) is ignored: its record was never acknowledged to anyone.
 * On open the file is compacted: acknowledged commands are dropped and the floor is kept.
 */
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import path from 'node:path';
import type { CommandDelivery, CommandResultMessage } from '@chaharsu/branch-sync/protocol';

export type StoredResult = Omit<CommandResultMessage, 'type'>;

export type JournalRecord =
  | { t: 'command'; delivery: CommandDelivery; received_at: string }
  | { t: 'result'; result: StoredResult }
  | { t: 'acked'; command_id: string }
  | { t: 'floor'; settled_through_seq: number };

export interface JournalEntry { delivery: CommandDelivery; result: StoredResult | null; acked: boolean }

export class CommandJournal {
  readonly entries = new Map<string, JournalEntry>();
  readonly bySeq = new Map<number, string>();
  /** Every command with seq ≤ this has a result here or on the server. */
  settledThroughSeq = 0;
  #fd: number;

  private constructor(private readonly file: string) {
    this.#fd = -1;
  }

  static open(dir: string): CommandJournal {
    const journal = new CommandJournal(path.join(dir, 'commands.jsonl'));
    journal.load();
    journal.compact();
    journal.#fd = openSync(journal.file, 'a');
    return journal;
  }

  private load(): void {
    if (!existsSync(this.file)) return;
    for (const line of readFileSync(this.file, 'utf8').split('\n')) {
      if (!line.trim()) continue;
      let record: JournalRecord;
      try {
        record = JSON.parse(line) as JournalRecord;
      } catch {
        continue; // torn tail
      }
      this.applyRecord(record);
    }
  }

  private applyRecord(record: JournalRecord): void {
    switch (record.t) {
      case 'command':
        if (!this.entries.has(record.delivery.command_id)) {
          this.entries.set(record.delivery.command_id, { delivery: record.delivery, result: null, acked: false });
          this.bySeq.set(record.delivery.seq, record.delivery.command_id);
        }
        return;
      case 'result': {
        const entry = this.entries.get(record.result.command_id);
        if (entry) entry.result = record.result;
        this.advanceFloor();
        return;
      }
      case 'acked': {
        const entry = this.entries.get(record.command_id);
        if (entry) entry.acked = true;
        return;
      }
      case 'floor':
        this.raiseFloor(record.settled_through_seq);
    }
  }

  /** Raises the floor (from the server's welcome: it knows what is settled even if this journal was lost). */
  raiseFloor(seq: number): void {
    if (seq > this.settledThroughSeq) this.settledThroughSeq = seq;
    this.advanceFloor();
  }

  private advanceFloor(): void {
    for (;;) {
      const id = this.bySeq.get(this.settledThroughSeq + 1);
      if (!id || !this.entries.get(id)?.result) return;
      this.settledThroughSeq += 1;
    }
  }

  /** Rewrites the file with what still matters (write, fsync, rename: never a half-written journal). */
  private compact(): void {
    const keep: JournalRecord[] = [{ t: 'floor', settled_through_seq: this.settledThroughSeq }];
    for (const [id, entry] of this.entries) {
      if (entry.acked && entry.delivery.seq <= this.settledThroughSeq) {
        this.entries.delete(id);
        this.bySeq.delete(entry.delivery.seq);
        continue;
      }
      keep.push({ t: 'command', delivery: entry.delivery, received_at: new Date().toISOString() });
      if (entry.result) keep.push({ t: 'result', result: entry.result });
      if (entry.acked) keep.push({ t: 'acked', command_id: id });
    }
    const temporary = `${this.file}.tmp`;
    const fd = openSync(temporary, 'w');
    try {
      writeSync(fd, keep.map((r) => JSON.stringify(r)).join('\n') + '\n');
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temporary, this.file);
    const dirFd = openSync(path.dirname(this.file), 'r');
    try { fsyncSync(dirFd); } catch { /* directories cannot be fsync'ed on every platform (Windows) */ } finally { closeSync(dirFd); }
  }

  /** Appends one record and waits for the disk. */
  append(record: JournalRecord): void {
    writeSync(this.#fd, JSON.stringify(record) + '\n');
    fsyncSync(this.#fd);
    this.applyRecord(record);
  }

  /** Commands stored and not yet acknowledged by the server (the heartbeat's queue length). */
  openCount(): number {
    let n = 0;
    for (const entry of this.entries.values()) if (!entry.acked) n += 1;
    return n;
  }

  unackedResults(): StoredResult[] {
    return [...this.entries.values()].filter((e) => e.result && !e.acked).map((e) => e.result as StoredResult);
  }

  /** The next command to apply, in seq order; null when it has not arrived yet or everything is applied. */
  nextToApply(): CommandDelivery | null {
    const id = this.bySeq.get(this.settledThroughSeq + 1);
    const entry = id ? this.entries.get(id) : undefined;
    return entry && !entry.result ? entry.delivery : null;
  }

  close(): void {
    if (this.#fd >= 0) closeSync(this.#fd);
    this.#fd = -1;
  }
}
