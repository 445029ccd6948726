/**
 * A load-generating OS process for the concurrency tests and the benchmark: it sends charges (and, in
 * the mixed mode, retries with the same key, approvals and corrections) over HTTP to one server, with
 * `connections` requests in flight at once, and prints one JSON line with what it saw.
 *
 * A request that gets no definitive answer (connection refused/reset, 5xx — e.g. the server was killed)
 * is retried with the SAME Idempotency-Key until it does, so the test can prove nothing was applied twice.
 *
 * Run: node --import tsx load-worker.ts '<json job>'
 */
import net from 'node:net';

export interface LoadJob {
  base_url: string;
  /** Bearer API keys, one per seller this worker charges. */
  api_keys: string[];
  charges: number;
  connections: number;
  amount_rial: number;
  /** Prefix making this worker's idempotency keys unique. */
  key_prefix: string;
  /** Fraction of charges sent twice (a client retry with the same key). */
  retry_fraction?: number;
  /** Admin session for the mixed mode: approve these requests and file corrections while charging. */
  admin?: { cookie: string; csrf: string; approve_request_ids: string[]; correction_seller_ids: string[] };
  /** Give up retrying a request after this long (the crash test restarts the server meanwhile). */
  deadline_ms?: number;
  /** Epoch ms at which to start sending (so several processes start together); default now. */
  start_at?: number;
  /** Pause after each answer on a connection (keeps a load running long enough to be interrupted). */
  think_ms?: number;
}

export interface LoadResult {
  accepted: number;
  refused: number;
  replayed: number;
  other: Record<string, number>;
  retries_after_failure: number;
  /** Keys whose charge was accepted, with the charge id returned. */
  accepted_keys: Array<[string, string]>;
  latencies_ms: number[];
  approvals: number;
  corrections_rial: number;
  started_at: number;
  finished_at: number;
  /** CPU this process spent while sending (user + system), ms. */
  cpu_ms: number;
}

const job = JSON.parse(process.argv[2] ?? '{}') as LoadJob;
const result: LoadResult = { accepted: 0, refused: 0, replayed: 0, other: {}, retries_after_failure: 0, accepted_keys: [], latencies_ms: [], approvals: 0, corrections_rial: 0, started_at: 0, finished_at: 0, cpu_ms: 0 };
const deadline = Math.max(Date.now(), job.start_at ?? 0) + (job.deadline_ms ?? 60_000);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Sent { method: string; headers: Record<string, string>; body: string }
interface Answer { status: number; body: unknown; replayed: boolean }

const target = new URL(job.base_url);
const HEADER_END = Buffer.from('\r\n\r\n');

/**
 * One keep-alive HTTP/1.1 connection on a raw socket: the request is one pre-formatted write, the
 * response is parsed just enough (status, content-length, one header). A load generator on the same two
 * cores as the server must cost little per request; Node's http client costs several times more.
 */
class Connection {
  private socket: net.Socket | null = null;
  private buffer: Buffer = Buffer.alloc(0);
  private waiting: { resolve: (a: Answer) => void; reject: (e: Error) => void } | null = null;

  private open(): net.Socket {
    const socket = net.connect({ host: target.hostname, port: Number(target.port), noDelay: true });
    socket.on('data', (chunk: Buffer) => { this.buffer = this.buffer.length ? Buffer.concat([this.buffer, chunk]) : chunk; this.parse(); });
    const fail = (error: Error): void => {
      if (this.socket === socket) this.socket = null;
      this.buffer = Buffer.alloc(0);
      const waiting = this.waiting;
      this.waiting = null;
      waiting?.reject(error);
    };
    socket.on('error', fail);
    socket.on('close', () => fail(new Error('connection closed')));
    this.socket = socket;
    return socket;
  }

  private parse(): void {
    const end = this.buffer.indexOf(HEADER_END);
    if (end < 0 || !this.waiting) return;
    const head = this.buffer.toString('latin1', 0, end);
    const length = Number(/\r\ncontent-length:\s*(\d+)/i.exec(head)?.[1] ?? 0);
    if (this.buffer.length < end + 4 + length) return;
    const text = this.buffer.toString('utf8', end + 4, end + 4 + length);
    this.buffer = this.buffer.subarray(end + 4 + length);
    const waiting = this.waiting;
    this.waiting = null;
    try {
      waiting.resolve({ status: Number(head.slice(9, 12)), body: text ? JSON.parse(text) : null, replayed: /\r\nidempotent-replayed:\s*true/i.test(head) });
    } catch (error) {
      waiting.reject(error as Error);
    }
  }

  send(path: string, init: Sent): Promise<Answer> {
    const socket = this.socket ?? this.open();
    const headers = Object.entries({ ...init.headers, host: target.host, 'content-length': String(Buffer.byteLength(init.body)) }).map(([k, v]) => `${k}: ${v}\r\n`).join('');
    return new Promise<Answer>((resolve, reject) => {
      this.waiting = { resolve, reject };
      socket.write(`${init.method} ${path} HTTP/1.1\r\n${headers}\r\n${init.body}`);
    });
  }
}

/** Sends until a definitive answer (2xx/4xx); network errors and 5xx are retried with the same request. */
async function definitive(connection: Connection, path: string, init: Sent): Promise<Answer> {
  for (let attempt = 0; ; attempt++) {
    try {
      const response = await connection.send(path, init);
      if (response.status < 500) return response;
    } catch { /* connection refused or reset: the server is down or restarting */ }
    if (Date.now() > deadline) throw new Error(`no definitive answer for ${path} before the deadline`);
    result.retries_after_failure += 1;
    await sleep(Math.min(50 * 2 ** Math.min(attempt, 5), 1000));
  }
}

async function charge(connection: Connection, index: number): Promise<void> {
  const api_key = job.api_keys[index % job.api_keys.length] as string;
  const key = `${job.key_prefix}-${index}`;
  const phone = `0912${String(1_000_000 + (index % 9_000_000)).padStart(7, '0')}`;
  const init: Sent = {
    method: 'POST',
    headers: { authorization: `Bearer ${api_key}`, 'idempotency-key': key, 'content-type': 'application/json' },
    body: JSON.stringify({ phone, amount_rial: job.amount_rial }),
  };
  const times = Math.random() < (job.retry_fraction ?? 0) ? 2 : 1;
  for (let t = 0; t < times; t++) {
    const started = performance.now();
    const response = await definitive(connection, '/api/credit-sales/v1/charges', init);
    result.latencies_ms.push(performance.now() - started);
    const body = response.body as { id?: string; code?: string };
    if (response.status === 201 && response.replayed) result.replayed += 1;
    else if (response.status === 201) { result.accepted += 1; result.accepted_keys.push([key, body.id as string]); }
    else if (response.status === 409 && body.code === 'credit_sales.insufficient_credit') result.refused += 1;
    else result.other[`${response.status} ${body.code ?? ''}`] = (result.other[`${response.status} ${body.code ?? ''}`] ?? 0) + 1;
  }
}

async function adminWork(): Promise<void> {
  const admin = job.admin;
  if (!admin) return;
  const headers = { cookie: admin.cookie, 'x-csrf-token': admin.csrf, 'content-type': 'application/json' };
  const connection = new Connection();
  for (const id of admin.approve_request_ids) {
    // Every worker approves every request: only one approval may credit.
    const response = await definitive(connection, `/api/credit-sales/requests/${id}/approve`, { method: 'POST', headers, body: '{}' });
    if (response.status === 200) result.approvals += 1;
  }
  for (const [i, seller_id] of admin.correction_seller_ids.entries()) {
    const body = { direction: i % 2 === 0 ? 'increase' : 'decrease', amount_rial: 7_000, reason: 'load test correction', idempotency_key: `${job.key_prefix}-corr-${i}` };
    let applied = false;
    for (let t = 0; t < 2; t++) {
      const response = await definitive(connection, `/api/credit-sales/sellers/${seller_id}/corrections`, { method: 'POST', headers, body: JSON.stringify(body) });
      applied ||= response.status === 201;
    }
    if (applied) result.corrections_rial += body.direction === 'increase' ? 7_000 : -7_000;
  }
}

async function main(): Promise<void> {
  if (job.start_at) await sleep(Math.max(0, job.start_at - Date.now()));
  result.started_at = Date.now();
  const cpu = process.cpuUsage();
  let next = 0;
  const lanes = Array.from({ length: job.connections }, async () => {
    const connection = new Connection();
    while (next < job.charges) {
      await charge(connection, next++);
      if (job.think_ms) await sleep(job.think_ms);
    }
  });
  await Promise.all([...lanes, adminWork()]);
  result.finished_at = Date.now();
  const used = process.cpuUsage(cpu);
  result.cpu_ms = (used.user + used.system) / 1000;
  // Exit explicitly: the keep-alive connections would keep the process alive until the server drops them.
  process.stdout.write(`${JSON.stringify(result)}\n`, () => process.exit(0));
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
