import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { createAgentLog } from './log.js';
import { reconnectDelayMs } from './server-link.js';

describe('reconnecting and logging', () => {
  test('reconnect delays double up to the cap and are jittered within its upper half', () => {
    const policy = { base_ms: 1000, cap_ms: 60_000 };
    expect(reconnectDelayMs(0, policy, () => 1)).toBe(1000);
    expect(reconnectDelayMs(3, policy, () => 1)).toBe(8000);
    expect(reconnectDelayMs(50, policy, () => 1)).toBe(60_000);
    expect(reconnectDelayMs(50, policy, () => 0)).toBe(30_000);
  });

  test('the local log rotates and keeps a bounded number of files; warnings are queued for the server', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'agent-log-'));
    try {
      const log = createAgentLog({ dir, max_bytes: 2000, keep: 3 });
      for (let i = 0; i < 200; i++) log.info(`line ${i} ${'x'.repeat(50)}`);
      log.error('SQL Server unreachable', new Error('connect ECONNREFUSED'));
      const files = readdirSync(dir).sort();
      expect(files).toEqual(['agent.1.log', 'agent.2.log', 'agent.3.log', 'agent.log']);
      const shipped = log.takeShippable(10);
      expect(shipped).toHaveLength(1);
      expect(shipped[0]).toMatchObject({ level: 'error', message: 'SQL Server unreachable', detail: 'Error: connect ECONNREFUSED' });
      expect(log.takeShippable(10)).toHaveLength(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
