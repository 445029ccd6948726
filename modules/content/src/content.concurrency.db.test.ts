/**
 * Several OS processes edit translations of one language at the same moment: every edit lands, every edit gets its
 * own version (the counter is bumped in the edit's transaction under the row lock), and the published catalogue
 * ends at exactly as many versions as edits — so no client polling the version can miss a change.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { fork } from 'node:child_process';
import path from 'node:path';
import pg from 'pg';
import { defaultMessages } from '@chaharsu/i18n';
import { createTestDatabase, type TestDatabase } from '@chaharsu/db/testing';

const WORKER = path.join(path.dirname(new URL(import.meta.url).pathname), 'testing/save-worker.ts');
const PROCESSES = 4;
const EDITS_EACH = 8;

let database: TestDatabase;
beforeAll(async () => { database = await createTestDatabase(); });
afterAll(async () => { await database?.drop(); });

function runWorker(entries: Record<string, string>): { ready: Promise<void>; go: () => Promise<number[]> } {
  const child = fork(WORKER, [database.app_url, 'en', JSON.stringify(entries)], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  let onResult: (versions: number[]) => void = () => {};
  const result = new Promise<number[]>((resolve, reject) => {
    onResult = resolve;
    child.once('exit', (code) => { if (code !== 0) reject(new Error(`worker exited with ${code}`)); });
  });
  const ready = new Promise<void>((resolve) => {
    child.on('message', (message) => {
      if (message === 'ready') resolve();
      else onResult((message as { versions: number[] }).versions);
    });
  });
  return { ready, go: () => { child.send('go'); return result; } };
}

it('gives every concurrent edit its own version and loses none', async () => {
  const plainKeys = Object.entries(defaultMessages('en')).filter(([, text]) => !text.includes('{{')).map(([key]) => key);
  const shared = plainKeys[0]!;
  const workers = Array.from({ length: PROCESSES }, (_, p) => {
    const own = plainKeys.slice(1 + p * EDITS_EACH, 1 + (p + 1) * EDITS_EACH);
    // Every process also edits one shared key, so the same row is contended too.
    return runWorker(Object.fromEntries([[shared, `shared from ${p}`], ...own.map((key) => [key, `${key} by ${p}`])]));
  });
  await Promise.all(workers.map((w) => w.ready));
  const versions = (await Promise.all(workers.map((w) => w.go()))).flat();

  const edits = PROCESSES * (EDITS_EACH + 1);
  expect(versions).toHaveLength(edits);
  expect(new Set(versions).size).toBe(edits);
  expect(Math.max(...versions)).toBe(edits);

  const client = new pg.Client({ connectionString: database.superuser_url });
  await client.connect();
  try {
    const version = await client.query<{ version: string }>(`select version from content.catalogue_version where locale = 'en'`);
    expect(Number(version.rows[0]?.version)).toBe(edits);
    const overrides = await client.query<{ count: number }>(`select count(*)::int as count from content.translation_overrides where locale = 'en'`);
    expect(overrides.rows[0]?.count).toBe(PROCESSES * EDITS_EACH + 1);
    const audit = await client.query<{ count: number }>(`select count(*)::int as count from audit.audit_log where action = 'content.translation_saved' and org_id is null`);
    expect(audit.rows[0]?.count).toBe(edits);
  } finally {
    await client.end();
  }
});
