import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { currentPlatform } from '../platform-current.js';
import { windowsPlatform } from '../platform-windows.js';
import { windowsInstaller } from '../update/installer.js';
import { messageText, userNotifier, type MessageBoxInvocation } from './notify.js';

const dirs: string[] = [];
afterEach(() => { for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true }); });
const tempDir = (): string => { const dir = mkdtempSync(path.join(tmpdir(), 'agent-win-')); dirs.push(dir); return dir; };

describe('the Windows platform', () => {
  test('is the one chosen on win32; Linux elsewhere', () => {
    expect(currentPlatform(() => undefined, 'win32').name).toBe('windows');
    expect(currentPlatform(() => undefined, 'linux').name).toBe('linux');
  });

  test('atomic writes leave the old or the new content and no temporary file; disk space of the folder\'s volume', () => {
    const dir = tempDir();
    const platform = windowsPlatform();
    const file = path.join(dir, 'nested', 'agent.json');
    platform.writeFileAtomic(file, 'one');
    platform.writeFileAtomic(file, 'two');
    expect(readFileSync(file, 'utf8')).toBe('two');
    expect(readdirSync(path.dirname(file))).toEqual(['agent.json']);
    const space = platform.diskSpace(dir);
    expect(space?.total_bytes).toBeGreaterThan(0);
    expect(space?.free_bytes).toBeLessThanOrEqual(space?.total_bytes ?? 0);
    expect(platform.diskSpace(path.join(dir, 'absent'))).toBeNull();
  });

  test('secrets go through DPAPI (a stored Linux secret is refused with the way out)', () => {
    const platform = windowsPlatform({ powershell: ({ input }) => ({ status: 0, stdout: Buffer.from(`wrapped:${Buffer.from(input, 'base64').toString()}`).toString('base64'), stderr: '' }) });
    expect(Buffer.from(platform.protectSecret('s3cret').slice('dpapi:'.length), 'base64').toString()).toBe('wrapped:s3cret');
    expect(() => platform.unprotectSecret('plain:s3cret')).toThrow(/re-enrol/);
  });
});

describe('notifications to the person at the computer', () => {
  test('msg.exe to every session, one line, repeated at most every 10 minutes; logged always', () => {
    const shown: MessageBoxInvocation[] = [];
    const logged: string[] = [];
    let now = 0;
    const notify = userNotifier({ log: (line) => logged.push(line), launch: (invocation) => shown.push(invocation), exists: () => true, now: () => now, env: { SystemRoot: 'C:\\Windows' } });
    notify('chaharsu', 'connection to the panel lost;\r\nretrying');
    notify('chaharsu', 'connection to the panel lost;\r\nretrying');
    now += 10 * 60_000;
    notify('chaharsu', 'connection to the panel lost;\r\nretrying');
    expect(shown).toEqual([
      { program: 'C:\\Windows\\System32\\msg.exe', args: ['*', '/TIME:300', 'chaharsu: connection to the panel lost; retrying'] },
      { program: 'C:\\Windows\\System32\\msg.exe', args: ['*', '/TIME:300', 'chaharsu: connection to the panel lost; retrying'] },
    ]);
    expect(logged).toHaveLength(3);
    expect(messageText('t', 'x'.repeat(400))).toHaveLength(255);
  });

  test('without msg.exe (Windows Home, wine) the message is only logged, and saying so is not repeated each time', () => {
    const logged: string[] = [];
    const notify = userNotifier({ log: (line) => logged.push(line), launch: () => { throw new Error('must not run'); }, exists: () => false });
    notify('chaharsu', 'update failed');
    notify('chaharsu', 'update failed');
    expect(logged).toEqual(['[notification] chaharsu: update failed', expect.stringContaining('is not on this Windows edition'), '[notification] chaharsu: update failed']);
  });
});

describe('the Windows versions folder', () => {
  test('current.txt names the version and is replaced in one rename; previous is kept for a rollback', () => {
    const root = tempDir();
    const installer = windowsInstaller(root);
    expect(installer.currentVersion()).toBeNull();
    installer.stage('1.0.0', Buffer.from('MZ one'));
    installer.activate('1.0.0');
    installer.stage('1.1.0', Buffer.from('MZ two'));
    installer.activate('1.1.0');
    expect(readFileSync(path.join(root, 'current.txt'), 'utf8')).toBe('1.1.0\n');
    expect(installer.executable('1.1.0')).toBe(path.join(root, 'versions', '1.1.0', 'chaharsu-agent.exe'));
    expect(readFileSync(installer.executable('1.1.0'), 'utf8')).toBe('MZ two');
    expect(installer.previousVersion()).toBe('1.0.0');
    expect(installer.rollback()).toBe('1.0.0');
    expect(installer.currentVersion()).toBe('1.0.0');
    expect(readdirSync(root).filter((name) => name.includes('.tmp'))).toEqual([]);
    expect(() => installer.stage('..\\evil', Buffer.from('x'))).toThrow();
    expect(() => installer.stage('1.0.0', Buffer.from('x'))).toThrow(/running version/);
  });

  test('prune keeps current and previous, removes the rest, and reports what it could not remove', () => {
    const root = tempDir();
    const installer = windowsInstaller(root);
    for (const version of ['1.0.0', '1.1.0', '1.2.0']) { installer.stage(version, Buffer.from(version)); installer.activate(version); }
    expect(installer.prune()).toEqual([]);
    expect(readdirSync(path.join(root, 'versions')).sort()).toEqual(['1.1.0', '1.2.0']);
    expect(existsSync(installer.executable('1.2.0'))).toBe(true);
    writeFileSync(path.join(root, 'current.txt'), '\n');
    expect(installer.currentVersion()).toBeNull();
  });
});

describe('TCP keep-alive on Windows', () => {
  test('asked for while connecting, it is applied once connected; fetch still works', async () => {
    const { deferKeepAliveUntilConnected } = await import('./socket-keepalive.js');
    const net = await import('node:net');
    const http = await import('node:http');
    deferKeepAliveUntilConnected();
    const server = http.createServer((_request, response) => response.end('ok')).listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    const port = (server.address() as { port: number }).port;
    try {
      const socket = net.connect({ host: '127.0.0.1', port });
      expect(socket.connecting).toBe(true);
      const applied: Array<[boolean | undefined, number | undefined]> = [];
      const handle = () => (socket as unknown as { _handle: { setKeepAlive(enable: boolean, delay: number): number } | null })._handle;
      socket.setKeepAlive(true, 1_000);
      await new Promise((resolve) => socket.once('connect', resolve));
      const original = handle()?.setKeepAlive.bind(handle());
      if (handle() && original) handle()!.setKeepAlive = (enable, delay) => { applied.push([enable, delay]); return original(enable, delay); };
      socket.setKeepAlive(true, 2_000);
      expect(applied).toEqual([[true, 2]]);
      socket.destroy();
      expect(await (await fetch(`http://127.0.0.1:${port}/`)).text()).toBe('ok');
    } finally {
      server.close();
    }
  });
});
