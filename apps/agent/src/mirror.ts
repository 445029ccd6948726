/**
 * The catalog mirror, agent side. A scan reads every article and group of a company database (cheap:
 * 50,000 articles are ten keyset pages) with its row hash, compares with the hashes the server has
 * acknowledged (kept in `<data dir>/mirror/<database>.json`), and sends only what changed or
 * disappeared, one batch in flight, each acknowledged before the local checkpoint moves. A full scan
 * (first run, or the panel's resync) sends everything and lets the server drop what it did not see.
 * Scans run at the agent's own pace (on connect, every `interval_ms`, on request), not per change:
 * Holoo does not tell what changed (a sale does not even touch Endeditdate), the hashes do.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { HolooInstance } from '@chaharsu/holoo';
import { MIRROR_BATCH_MAX_ROWS, type MirrorBatch, type MirrorEntity } from '@chaharsu/branch-sync/protocol';
import type { AgentLog } from './log.js';
import type { AgentPlatform } from './platform.js';

type Hashes = Record<MirrorEntity, Record<string, string>>;
interface CurrentRow { key: string; row_hash: string; data: unknown }

const ENTITIES: MirrorEntity[] = ['main_group', 'sub_group', 'article'];
const ACK_TIMEOUT_MS = 60_000;
const PAGE = 5000;

const emptyHashes = (): Hashes => ({ article: {}, main_group: {}, sub_group: {} });

export interface MirrorOptions {
  data_dir: string;
  holoo: Pick<HolooInstance, 'company'>;
  databases: readonly string[];
  platform: AgentPlatform;
  log: AgentLog;
  interval_ms: number;
  send: (batch: MirrorBatch) => boolean;
}

export class MirrorScanner {
  readonly #acks = new Map<string, (acknowledged: boolean) => void>();
  readonly #fullRequested = new Set<string>();
  #running = false;
  #again = false;
  #timer: NodeJS.Timeout | null = null;
  #stopped = false;

  constructor(private readonly options: MirrorOptions) {}

  /** Runs a scan now (after a reconnect) and then every interval. */
  scanSoon(): void {
    if (this.#stopped) return;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = setTimeout(() => this.scanSoon(), this.options.interval_ms);
    this.#timer.unref();
    void this.run();
  }

  requestFull(company_database: string | null): void {
    for (const database of company_database ? [company_database] : this.options.databases) this.#fullRequested.add(database);
    void this.run();
  }

  onAck(batch_id: string): void {
    this.#acks.get(batch_id)?.(true);
  }

  /** The socket closed: batches in flight will never be acknowledged; the next scan resends them. */
  onDisconnect(): void {
    for (const settle of [...this.#acks.values()]) settle(false);
  }

  stop(): void {
    this.#stopped = true;
    if (this.#timer) clearTimeout(this.#timer);
  }

  private stateFile(database: string): string {
    return path.join(this.options.data_dir, 'mirror', `${encodeURIComponent(database)}.json`);
  }

  private readState(database: string): Hashes | null {
    const file = this.stateFile(database);
    return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Hashes) : null;
  }

  private async run(): Promise<void> {
    if (this.#running) { this.#again = true; return; }
    this.#running = true;
    try {
      do {
        this.#again = false;
        for (const database of this.options.databases) {
          if (this.#stopped) return;
          const state = this.readState(database);
          const full = state === null || this.#fullRequested.has(database);
          this.#fullRequested.delete(database);
          const ok = await this.scan(database, full ? emptyHashes() : state ?? emptyHashes(), full);
          if (!ok && full) this.#fullRequested.add(database);
        }
      } while (this.#again && !this.#stopped);
    } catch (error) {
      this.options.log.warn('mirror scan failed; the next scan retries', error);
    } finally {
      this.#running = false;
    }
  }

  private async read(database: string, entity: MirrorEntity): Promise<CurrentRow[]> {
    const company = this.options.holoo.company(database);
    if (entity === 'main_group') return (await company.readMainGroups()).map((g) => ({ key: g.code, row_hash: g.row_hash, data: g }));
    if (entity === 'sub_group') return (await company.readSubGroups()).map((g) => ({ key: `${g.main_code}${g.code}`, row_hash: g.row_hash, data: g }));
    const rows: CurrentRow[] = [];
    let after: string | null = null;
    for (let pages = 0; pages < 10_000; pages++) {
      const page = await company.readArticlePage({ after_code: after, limit: PAGE });
      for (const r of page.rows) rows.push({ key: r.a_code, row_hash: r.row_hash, data: r });
      if (!page.next_after_code) break;
      after = page.next_after_code;
    }
    return rows;
  }

  /** Returns false when the server stopped answering (the scan resumes from the last acknowledged batch next time). */
  private async scan(database: string, hashes: Hashes, full: boolean): Promise<boolean> {
    const scan_id = randomUUID();
    for (const [entityIndex, entity] of ENTITIES.entries()) {
      const finalEntity = entityIndex === ENTITIES.length - 1;
      const current = await this.read(database, entity);
      const known = hashes[entity];
      const upserts = full ? current : current.filter((r) => known[r.key] !== r.row_hash);
      const present = new Set(current.map((r) => r.key));
      const deletes = full ? [] : Object.keys(known).filter((k) => !present.has(k));
      // An unchanged entity sends nothing, except the final one of a full scan (it carries scan_complete).
      if (!full && upserts.length === 0 && deletes.length === 0) continue;
      const batches = Math.max(1, Math.ceil(upserts.length / MIRROR_BATCH_MAX_ROWS));
      for (let i = 0; i < batches; i++) {
        const last = i === batches - 1;
        const chunk = upserts.slice(i * MIRROR_BATCH_MAX_ROWS, (i + 1) * MIRROR_BATCH_MAX_ROWS);
        const batch: MirrorBatch = { type: 'mirror.batch', batch_id: randomUUID(), scan_id, company_database: database, entity, full, last, scan_complete: last && finalEntity, upserts: chunk, deletes: last ? deletes : [] };
        if (!(await this.sendAndWait(batch))) return false;
        if (full && i === 0) hashes[entity] = {};
        for (const r of chunk) hashes[entity][r.key] = r.row_hash;
        if (last) for (const k of deletes) delete hashes[entity][k];
        this.options.platform.writeFileAtomic(this.stateFile(database), JSON.stringify(hashes));
      }
    }
    if (full) this.options.log.info(`mirror of ${database}: full scan sent`);
    return true;
  }

  private sendAndWait(batch: MirrorBatch): Promise<boolean> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => { this.#acks.delete(batch.batch_id); resolve(false); }, ACK_TIMEOUT_MS);
      this.#acks.set(batch.batch_id, (acknowledged) => { clearTimeout(timer); this.#acks.delete(batch.batch_id); resolve(acknowledged); });
      if (!this.options.send(batch)) { clearTimeout(timer); this.#acks.delete(batch.batch_id); resolve(false); }
    });
  }
}
