import { createHash, generateKeyPairSync, sign } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { releaseSignedText, type UpdateOffer, type UpdateReport } from '@chaharsu/branch-sync/protocol';
import { createAgentLog } from '../log.js';
import { linuxPlatform } from '../platform.js';
import { linuxInstaller } from './installer.js';
import { pendingFile } from './supervisor.js';
import { Updater, confirmStagedUpdate } from './updater.js';

const release = generateKeyPairSync('ed25519');
const artifact = Buffer.from('#!/bin/sh\nexit 0\n');
const sha256 = createHash('sha256').update(artifact).digest('hex');
const offer: UpdateOffer = {
  type: 'update.offer', version: '0.2.0', sha256, size_bytes: artifact.length,
  signature: sign(null, Buffer.from(releaseSignedText({ version: '0.2.0', sha256, size_bytes: artifact.length })), release.privateKey).toString('base64'),
  download_path: '/api/branch-sync/agent/releases/0.2.0/artifact', install_without_confirmation: false,
};
let http: Server;
let server_url: string;
const seenHeaders: Array<Record<string, unknown>> = [];
const dirs: string[] = [];

beforeAll(async () => {
  http = createServer((req, res) => { seenHeaders.push(req.headers); res.writeHead(200, { 'content-length': artifact.length }); res.end(artifact); });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  server_url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => http.close(resolve));
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function updater(supervised = true) {
  const root = mkdtempSync(path.join(tmpdir(), 'agent-updater-'));
  dirs.push(root);
  const data_dir = path.join(root, 'data');
  const reports: UpdateReport[] = [];
  let switches = 0;
  const installer = linuxInstaller(path.join(root, 'install'));
  const instance = new Updater({
    data_dir, server_url, org_id: '00000000-0000-4000-8000-000000000001', agent_id: '00000000-0000-4000-8000-000000000002', secret: 's3cret',
    running_version: '0.1.0', platform: linuxPlatform(), log: createAgentLog({ dir: path.join(data_dir, 'logs') }),
    installer: supervised ? installer : null, trusted_keys: [release.publicKey.export({ format: 'pem', type: 'spki' }).toString()],
    send: (report) => { reports.push(report); return true; }, requestSwitch: () => { switches += 1; },
  });
  return { instance, installer, data_dir, reports, switches: () => switches };
}

describe('the agent side of an update offer', () => {
  test('"with confirmation": the verified version is staged and waits until someone at the branch confirms it', async () => {
    const { instance, installer, data_dir, reports, switches } = updater();
    await instance.onOffer(offer);
    expect(seenHeaders.at(-1)).toMatchObject({ 'x-chaharsu-agent': '00000000-0000-4000-8000-000000000001.00000000-0000-4000-8000-000000000002' });
    expect(reports).toEqual([{ type: 'update.report', version: '0.2.0', outcome: 'waiting_confirmation', detail: null }]);
    expect(installer.has('0.2.0')).toBe(true);
    instance.checkConfirmation();
    expect(switches()).toBe(0);
    expect(confirmStagedUpdate(linuxPlatform(), data_dir)).toBe('0.2.0');
    instance.checkConfirmation();
    expect(switches()).toBe(1);
    expect(JSON.parse(readFileSync(pendingFile(data_dir), 'utf8'))).toEqual({ version: '0.2.0' });
  });

  test('an artifact that does not match the signed digest is refused and nothing is staged', async () => {
    const { instance, installer, reports, data_dir } = updater();
    await instance.onOffer({ ...offer, install_without_confirmation: true, sha256: 'f'.repeat(64) });
    expect(reports).toEqual([{ type: 'update.report', version: '0.2.0', outcome: 'rejected', detail: 'sha256_mismatch' }]);
    expect(installer.has('0.2.0')).toBe(false);
    expect(existsSync(pendingFile(data_dir))).toBe(false);
  });

  test('an agent not running under its supervisor says it cannot replace itself', async () => {
    const { instance, reports } = updater(false);
    await instance.onOffer(offer);
    expect(reports[0]).toMatchObject({ outcome: 'rejected' });
    expect(reports[0]?.detail).toMatch(/supervisor/);
  });
});
