import { describe, it, expect } from 'vitest';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadSecretKey, SecretKeyError } from './secrets.js';

function folder(): string {
  return mkdtempSync(path.join(tmpdir(), 'chaharsu-secret-'));
}

describe('loadSecretKey', () => {
  it('uses SECRET_KEY when given (32 bytes as is)', () => {
    const raw = randomBytes(32);
    const key = loadSecretKey({ SECRET_KEY: raw.toString('base64'), NODE_ENV: 'production', DATA_DIR: folder() });
    expect(key.equals(raw)).toBe(true);
  });

  it('folds a longer key to 32 bytes and refuses a short or non-base64 one', () => {
    expect(loadSecretKey({ SECRET_KEY: randomBytes(48).toString('base64'), NODE_ENV: 'production', DATA_DIR: folder() })).toHaveLength(32);
    expect(() => loadSecretKey({ SECRET_KEY: randomBytes(24).toString('base64'), NODE_ENV: 'production', DATA_DIR: folder() })).toThrow(SecretKeyError);
    expect(() => loadSecretKey({ SECRET_KEY: 'this is not base64 at all, it has spaces!!', NODE_ENV: 'development', DATA_DIR: folder() })).toThrow(/not base64/);
  });

  it('refuses to start in production without SECRET_KEY, with a message saying what to do', () => {
    expect(() => loadSecretKey({ SECRET_KEY: undefined, NODE_ENV: 'production', DATA_DIR: folder() })).toThrow(/SECRET_KEY is required in production/);
  });

  it('generates a key once into DATA_DIR/secret.key (0600) and reuses it', () => {
    const dir = path.join(folder(), 'data');
    const first = loadSecretKey({ SECRET_KEY: undefined, NODE_ENV: 'development', DATA_DIR: dir });
    const file = path.join(dir, 'secret.key');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(first).toHaveLength(32);
    expect(loadSecretKey({ SECRET_KEY: undefined, NODE_ENV: 'development', DATA_DIR: dir }).equals(first)).toBe(true);
    expect(readFileSync(file, 'utf8').trim()).toBe(first.toString('base64'));
  });

  it('refuses a damaged key file instead of silently replacing it', () => {
    const dir = folder();
    writeFileSync(path.join(dir, 'secret.key'), 'c2hvcnQ=\n');
    expect(() => loadSecretKey({ SECRET_KEY: undefined, NODE_ENV: 'test', DATA_DIR: dir })).toThrow(SecretKeyError);
  });
});
