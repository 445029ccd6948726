/**
 * The server's secret key (32 bytes): encrypts secrets at rest (provider tokens, agent passwords) and keys
 * the HMACs of one-time codes and CSRF tokens. Production must give it (SECRET_KEY, base64, ≥32 bytes
 * decoded) so every app instance shares it; a development or test machine gets one generated once into
 * `${DATA_DIR}/secret.key` (mode 0600) and reused on every start, so sessions and encrypted rows survive restarts.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createHash, randomBytes } from 'node:crypto';
import path from 'node:path';
import type { Config } from './config.js';

export class SecretKeyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SecretKeyError';
  }
}

const KEY_BYTES = 32;
const BASE64 = /^[A-Za-z0-9+/_-]+={0,2}$/;

/** A longer key is folded to 32 bytes with sha256 (AES-256 and HMAC both want exactly 32). */
function keyFrom(text: string, origin: string): Buffer {
  const trimmed = text.trim();
  if (!BASE64.test(trimmed)) throw new SecretKeyError(`${origin} is not base64`);
  const decoded = Buffer.from(trimmed.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
  if (decoded.length < KEY_BYTES) throw new SecretKeyError(`${origin} must decode to at least ${KEY_BYTES} bytes (got ${decoded.length}); make one with: openssl rand -base64 32`);
  return decoded.length === KEY_BYTES ? decoded : createHash('sha256').update(decoded).digest();
}

export function loadSecretKey(config: Pick<Config, 'SECRET_KEY' | 'NODE_ENV' | 'DATA_DIR'>): Buffer {
  if (config.SECRET_KEY) return keyFrom(config.SECRET_KEY, 'SECRET_KEY');
  if (config.NODE_ENV === 'production') {
    throw new SecretKeyError('SECRET_KEY is required in production (base64 of at least 32 random bytes, the same on every app instance): openssl rand -base64 32');
  }
  const file = path.join(config.DATA_DIR, 'secret.key');
  if (existsSync(file)) return keyFrom(readFileSync(file, 'utf8'), file);
  mkdirSync(config.DATA_DIR, { recursive: true, mode: 0o700 });
  const text = randomBytes(KEY_BYTES).toString('base64');
  // 'wx': never overwrite a key another process has just written; read theirs instead.
  try {
    writeFileSync(file, `${text}\n`, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return keyFrom(readFileSync(file, 'utf8'), file);
    throw error;
  }
  chmodSync(file, 0o600);
  return keyFrom(text, file);
}
