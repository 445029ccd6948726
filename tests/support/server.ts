/**
 * Starts the real server in-process on a fresh test database (clone of the migrated template), listening
 * on a free port, and gives HTTP clients that keep cookies and send the CSRF header like the web client.
 */
import pino from 'pino';
import { createTestDatabase, type TestDatabase } from '@chaharsu/db/testing';
import { loadConfig, type Config } from '../../apps/server/src/config.js';
import { startServer, type RunningServer } from '../../apps/server/src/server.js';

export interface TestServer {
  server: RunningServer;
  database: TestDatabase;
  config: Config;
  base_url: string;
  client: () => TestClient;
  close: () => Promise<void>;
}

export async function startTestServer(env: Record<string, string> = {}): Promise<TestServer> {
  const database = await createTestDatabase();
  const config = loadConfig({ NODE_ENV: 'test', PORT: '0', HOST: '127.0.0.1', SEED_DEMO: 'false', LOG_LEVEL: 'silent', SMS_PROVIDER: 'dev', DATA_DIR: `/tmp/${database.name}`, ...env });
  const server = await startServer(config, {
    logger: pino({ level: env.LOG_LEVEL ?? 'silent' }),
    urls: { app_url: database.app_url, migration_url: database.owner_url, superuser_url: database.superuser_url, embedded: false, stop: async () => {} },
  });
  const base_url = server.url;
  return {
    server, database, config, base_url,
    client: () => new TestClient(base_url),
    close: async () => { await server.close(); await database.drop(); },
  };
}

export interface TestResponse<T = unknown> { status: number; body: T; headers: Headers }

/** A browser-like client: a cookie jar, the CSRF header taken from the `chaharsu_csrf` cookie, JSON in and out. */
export class TestClient {
  readonly cookies = new Map<string, string>();
  constructor(readonly base_url: string, readonly default_headers: Record<string, string> = {}) {}

  async request<T = unknown>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<TestResponse<T>> {
    const cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    const csrf = this.cookies.get('chaharsu_csrf');
    const response = await fetch(`${this.base_url}${path}`, {
      method,
      headers: {
        ...this.default_headers,
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(cookie ? { cookie } : {}),
        ...(csrf ? { 'x-csrf-token': decodeURIComponent(csrf) } : {}),
        ...headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      redirect: 'manual',
    });
    for (const set of response.headers.getSetCookie()) {
      const [pair, ...attributes] = set.split(';');
      const index = pair?.indexOf('=') ?? -1;
      if (!pair || index < 0) continue;
      const name = pair.slice(0, index).trim();
      const value = pair.slice(index + 1).trim();
      const expired = attributes.some((a) => /max-age=0|expires=thu, 01 jan 1970/i.test(a.trim()));
      if (expired || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    const text = await response.text();
    let parsed: unknown = text;
    if ((response.headers.get('content-type') ?? '').includes('json') && text) parsed = JSON.parse(text);
    return { status: response.status, body: parsed as T, headers: response.headers };
  }

  get<T = unknown>(path: string, headers?: Record<string, string>) { return this.request<T>('GET', path, undefined, headers); }
  post<T = unknown>(path: string, body?: unknown, headers?: Record<string, string>) { return this.request<T>('POST', path, body ?? {}, headers); }
  put<T = unknown>(path: string, body?: unknown, headers?: Record<string, string>) { return this.request<T>('PUT', path, body ?? {}, headers); }
  patch<T = unknown>(path: string, body?: unknown, headers?: Record<string, string>) { return this.request<T>('PATCH', path, body ?? {}, headers); }
  delete<T = unknown>(path: string, headers?: Record<string, string>) { return this.request<T>('DELETE', path, undefined, headers); }
}
