import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readIdentity, writeIdentity, type AgentIdentityFile } from './agent-config.js';
import { linuxPlatform } from './platform.js';
import { createSqlLogin, generateSqlPassword, loginScriptText, rotateSqlLogin, sqlcmdInvocation, SQL_PASSWORD_LENGTH } from './sql-login.js';

const platform = linuxPlatform();
let dir: string;
beforeEach(() => { dir = mkdtempSync(path.join(tmpdir(), 'sql-login-')); });
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/**
 * A stand-in for sqlcmd, run as a real process: it records its arguments, the two scripting variables it
 * got from the environment and the script it was given, then exits with the code in FAKE_SQLCMD_EXIT.
 */
function fakeSqlcmd(exit_code: number): string {
  const file = path.join(dir, 'sqlcmd');
  writeFileSync(file, `#!/bin/sh
script=""
while [ $# -gt 0 ]; do
  [ "$1" = "-i" ] && script="$2"
  echo "arg:$1" >> "${dir}/calls.txt"
  shift
done
echo "login:$AgentLogin" >> "${dir}/calls.txt"
echo "password:$AgentPassword" >> "${dir}/calls.txt"
cp "$script" "${dir}/script-seen.sql"
echo "Holoo company database: Holoo1"
[ ${exit_code} -ne 0 ] && echo "Msg 15247, Level 16: User does not have permission to perform this action." >&2
exit ${exit_code}
`);
  chmodSync(file, 0o755);
  return file;
}

const calls = () => readFileSync(path.join(dir, 'calls.txt'), 'utf8').trim().split('\n');

function enrolledWithSqlServer(password: string): AgentIdentityFile {
  const identity: AgentIdentityFile = {
    server_url: 'https://panel.example.com', org_id: '01a20046-1523-750f-ba1c-af23cf688b94', branch_id: '01a20046-1523-750f-ba1c-af23cf688b95',
    agent_id: '01a20046-1523-750f-ba1c-af23cf688b96', secret_protected: platform.protectSecret('s'.repeat(43)),
    server_public_key: 'k'.repeat(44), server_fingerprint: 'a'.repeat(64), heartbeat_interval_ms: 15_000,
    holoo: { kind: 'sql_server', server: 'branch-pc', instance_name: 'TNC', user: 'chaharsu_agent', password_protected: platform.protectSecret(password) },
    company_databases: ['Holoo1'], enrolled_at: new Date().toISOString(),
  };
  writeIdentity(platform, dir, identity);
  return identity;
}

describe("the agent's own SQL login", () => {
  it('is given a 24-character password with lower, upper and digit, drawn again until it has all three', () => {
    for (let i = 0; i < 200; i++) {
      const password = generateSqlPassword();
      expect(password).toHaveLength(SQL_PASSWORD_LENGTH);
      expect(password).toMatch(/^[A-Za-z0-9_-]+$/);
      expect(password).toMatch(/[a-z]/);
      expect(password).toMatch(/[A-Z]/);
      expect(password).toMatch(/[0-9]/);
    }
    // A first draw of lower-case letters only is refused.
    let draws = 0;
    const password = generateSqlPassword((max) => (draws++ < SQL_PASSWORD_LENGTH ? 0 : (draws * 7) % max));
    expect(draws).toBeGreaterThan(SQL_PASSWORD_LENGTH);
    expect(password).toMatch(/[A-Z]/);
  });

  it('reaches sqlcmd through the environment, never on the command line, with Windows authentication', () => {
    const call = sqlcmdInvocation({ server: 'branch-pc', instance_name: 'TNC', port: 1533 }, 'chaharsu_agent', 'Secret-Password-123456', 'C:\\x\\login.sql');
    expect(call.args).toEqual(['-S', 'branch-pc\\TNC,1533', '-E', '-b', '-i', 'C:\\x\\login.sql']);
    expect(call.args.join(' ')).not.toContain('Secret-Password');
    expect(call.env).toEqual({ AgentLogin: 'chaharsu_agent', AgentPassword: 'Secret-Password-123456' });
    expect(() => sqlcmdInvocation({ server: 'x' }, "agent'; drop login sa; --", 'p', 'f')).toThrow(/letters, digits and _/);
  });

  it('runs the login script and keeps the password only protected', async () => {
    const script = loginScriptText(null);
    expect(script).toContain('CREATE LOGIN');
    const holoo = await createSqlLogin({ platform, script, sqlcmd: fakeSqlcmd(0), work_dir: dir }, { server: 'branch-pc', instance_name: 'TNC' });
    const seen = calls();
    const password = seen.find((l) => l.startsWith('password:'))?.slice('password:'.length) ?? '';
    expect(password).toHaveLength(SQL_PASSWORD_LENGTH);
    expect(seen).toContain('login:chaharsu_agent');
    expect(seen.filter((l) => l.startsWith('arg:')).join(' ')).not.toContain(password);
    expect(readFileSync(path.join(dir, 'script-seen.sql'), 'utf8')).toBe(script);
    expect(holoo).toMatchObject({ kind: 'sql_server', server: 'branch-pc', instance_name: 'TNC', user: 'chaharsu_agent' });
    expect(platform.unprotectSecret(holoo.password_protected)).toBe(password);
  });

  it('gives the enrolled login a new password, and a refused run leaves the working one', async () => {
    enrolledWithSqlServer('Old-Password-0123456789');
    await expect(rotateSqlLogin({ platform, script: 'PRINT 1', sqlcmd: fakeSqlcmd(1), work_dir: dir }, dir))
      .rejects.toThrow(/sqlcmd failed \(exit 1\); nothing was changed[\s\S]*User does not have permission/);
    const kept = readIdentity(dir)?.holoo;
    expect(kept?.kind === 'sql_server' && platform.unprotectSecret(kept.password_protected)).toBe('Old-Password-0123456789');

    rmSync(path.join(dir, 'calls.txt'));
    const updated = await rotateSqlLogin({ platform, script: 'PRINT 1', sqlcmd: fakeSqlcmd(0), work_dir: dir }, dir);
    const sent = calls().find((l) => l.startsWith('password:'))?.slice('password:'.length);
    const stored = readIdentity(dir)?.holoo;
    expect(updated.holoo).toMatchObject({ server: 'branch-pc', instance_name: 'TNC', user: 'chaharsu_agent' });
    expect(stored?.kind === 'sql_server' && platform.unprotectSecret(stored.password_protected)).toBe(sent);
    expect(sent).not.toBe('Old-Password-0123456789');
  });

  it('says what to install when sqlcmd is missing', async () => {
    await expect(createSqlLogin({ platform, script: 'PRINT 1', sqlcmd: path.join(dir, 'no-such-sqlcmd'), work_dir: dir }, { server: 'x' }))
      .rejects.toThrow(/was not found: install SQL Server's command-line tools or give --sqlcmd/);
  });
});
