import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import type { CommandDelivery } from '@chaharsu/branch-sync/protocol';
import { CommandJournal } from './journal.js';

const dirs: string[] = [];
const freshDir = () => { const dir = mkdtempSync(path.join(tmpdir(), 'journal-')); dirs.push(dir); return dir; };
afterEach(() => { for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true }); });

const delivery = (seq: number): CommandDelivery => ({
  type: 'command', command_id: `00000000-0000-7000-8000-${String(seq).padStart(12, '0')}`, seq, company_database: 'Holoo1',
  requested_by: 'user-1', command: { kind: 'main_group.rename', code: '01', name: `گروه ${seq}` }, attempt: 1,
});
const result = (seq: number) => ({ command_id: delivery(seq).command_id, outcome: 'applied' as const, result: { main_code: '01', code: null }, replayed: false, applied_at: null });

describe('the agent command journal', () => {
  test('a stored command survives a restart and is the next to apply, in seq order', () => {
    const dir = freshDir();
    const journal = CommandJournal.open(dir);
    journal.append({ t: 'command', delivery: delivery(2), received_at: 'now' });
    expect(journal.nextToApply()).toBeNull(); // seq 1 has not arrived: wait for it
    journal.append({ t: 'command', delivery: delivery(1), received_at: 'now' });
    journal.close();
    const reopened = CommandJournal.open(dir);
    expect(reopened.nextToApply()?.seq).toBe(1);
    reopened.append({ t: 'result', result: result(1) });
    expect(reopened.nextToApply()?.seq).toBe(2);
    expect(reopened.settledThroughSeq).toBe(1);
    expect(reopened.unackedResults().map((r) => r.command_id)).toEqual([delivery(1).command_id]);
    reopened.close();
  });

  test('acknowledged commands are compacted away on the next start; the floor stays', () => {
    const dir = freshDir();
    const journal = CommandJournal.open(dir);
    journal.append({ t: 'command', delivery: delivery(1), received_at: 'now' });
    journal.append({ t: 'result', result: result(1) });
    journal.append({ t: 'acked', command_id: delivery(1).command_id });
    journal.close();
    const reopened = CommandJournal.open(dir);
    expect(reopened.entries.size).toBe(0);
    expect(reopened.settledThroughSeq).toBe(1);
    expect(reopened.openCount()).toBe(0);
    reopened.close();
    expect(readFileSync(path.join(dir, 'commands.jsonl'), 'utf8').trim().split('\n')).toHaveLength(1);
  });

  test('a torn last line (power cut mid-write) is ignored, the rest is kept', () => {
    const dir = freshDir();
    const journal = CommandJournal.open(dir);
    journal.append({ t: 'command', delivery: delivery(1), received_at: 'now' });
    journal.close();
    appendFileSync(path.join(dir, 'commands.jsonl'), '{"t":"result","result":{"command_');
    const reopened = CommandJournal.open(dir);
    expect(reopened.nextToApply()?.seq).toBe(1);
    reopened.close();
  });

  test('the server can raise the floor when the journal was lost', () => {
    const journal = CommandJournal.open(freshDir());
    journal.raiseFloor(41);
    journal.append({ t: 'command', delivery: delivery(42), received_at: 'now' });
    expect(journal.nextToApply()?.seq).toBe(42);
    journal.close();
  });
});
