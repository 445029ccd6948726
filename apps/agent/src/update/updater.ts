/**
 * The agent's half of a self-update: on an `update.offer` it downloads the artifact over HTTPS
 * (authenticated as itself), checks size, sha256 and the release signature with the pinned keys BEFORE
 * anything else, stages it beside the running version, and then either asks its supervisor to switch
 * (install without confirmation) or waits until someone at the branch confirms
 * (`chaharsu-agent update confirm --password …`, which writes `update/confirmed.json`; polled at each heartbeat).
 * After a switch, the next running version reports the supervisor's verdict (installed / rolled back).
 */
import { createHmac } from 'node:crypto';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { AGENT_DOWNLOAD_HEADERS, downloadProofText, type UpdateOffer, type UpdateReport } from '@chaharsu/branch-sync/protocol';
import type { AgentLog } from '../log.js';
import type { AgentPlatform } from '../platform.js';
import type { UpdateInstaller } from './installer.js';
import { checkRelease } from './release-verify.js';
import { healthyFile, outcomeFile, pendingFile, readOutcome, updateDir } from './supervisor.js';

export const awaitingFile = (data_dir: string): string => path.join(updateDir(data_dir), 'awaiting.json');
export const confirmedFile = (data_dir: string): string => path.join(updateDir(data_dir), 'confirmed.json');
const VersionFile = z.object({ version: z.string().min(1).max(50) });

const DOWNLOAD_RETRY_MS = 60_000;
const DOWNLOAD_ATTEMPTS = 5;

/** PEM public keys pinned for releases (one file may hold several during a key rotation). */
export function readPinnedReleaseKeys(file: string): string[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8').match(/-----BEGIN PUBLIC KEY-----[\s\S]+?-----END PUBLIC KEY-----/g) ?? [];
}

function readVersionFile(file: string): string | null {
  try { return VersionFile.parse(JSON.parse(readFileSync(file, 'utf8'))).version; } catch { return null; }
}

export interface UpdaterDeps {
  data_dir: string;
  server_url: string;
  org_id: string;
  agent_id: string;
  secret: string;
  running_version: string;
  platform: AgentPlatform;
  log: AgentLog;
  /** Null when this process does not run under a supervisor (then it cannot swap itself, and says so). */
  installer: UpdateInstaller | null;
  trusted_keys: readonly string[];
  send(report: UpdateReport): boolean;
  /** Stop cleanly and hand over to the supervisor (exit code EXIT_SWITCH_VERSION). */
  requestSwitch(): void;
}

export class Updater {
  #busy = false;
  #retry: NodeJS.Timeout | null = null;
  #switching = false;

  constructor(private readonly deps: UpdaterDeps) {}

  private report(version: string, outcome: UpdateReport['outcome'], detail: string | null): boolean {
    return this.deps.send({ type: 'update.report', version, outcome, detail: detail?.slice(0, 2000) ?? null });
  }

  async onOffer(offer: UpdateOffer, attempt = 1): Promise<void> {
    const { installer, log } = this.deps;
    if (offer.version === this.deps.running_version || this.#busy || this.#switching) return;
    if (!installer) { this.report(offer.version, 'rejected', 'this agent does not run under the supervisor (chaharsu-agent supervise / the Windows service), so it cannot replace itself'); return; }
    this.#busy = true;
    try {
      let artifact: Buffer;
      try {
        artifact = await this.download(offer);
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        log.warn(`could not download version ${offer.version} (attempt ${attempt})`, error);
        if (attempt < DOWNLOAD_ATTEMPTS) this.#retry = setTimeout(() => void this.onOffer(offer, attempt + 1), DOWNLOAD_RETRY_MS * attempt);
        else this.report(offer.version, 'rejected', `download failed: ${message}`);
        return;
      }
      const check = checkRelease(artifact, offer, this.deps.trusted_keys);
      if (!check.ok) {
        log.error(`refused version ${offer.version}: ${check.reason} (nothing was installed)`);
        this.report(offer.version, 'rejected', check.reason);
        return;
      }
      installer.stage(offer.version, artifact);
      if (offer.install_without_confirmation) {
        this.report(offer.version, 'downloaded', null);
        this.switchTo(offer.version);
      } else {
        this.deps.platform.writeFileAtomic(awaitingFile(this.deps.data_dir), JSON.stringify({ version: offer.version }));
        this.report(offer.version, 'waiting_confirmation', null);
        this.deps.platform.notifyUser('chaharsu', `agent version ${offer.version} is ready to install; confirm with the agent password`);
      }
    } catch (error) {
      log.error(`could not prepare version ${offer.version}`, error);
      this.report(offer.version, 'rejected', error instanceof Error ? error.message : String(error));
    } finally {
      this.#busy = false;
    }
  }

  private async download(offer: UpdateOffer): Promise<Buffer> {
    const time = new Date().toISOString();
    const proof = createHmac('sha256', this.deps.secret).update(downloadProofText({ org_id: this.deps.org_id, agent_id: this.deps.agent_id, path: offer.download_path, time })).digest('hex');
    const response = await fetch(new URL(offer.download_path, this.deps.server_url), {
      headers: { [AGENT_DOWNLOAD_HEADERS.agent]: `${this.deps.org_id}.${this.deps.agent_id}`, [AGENT_DOWNLOAD_HEADERS.time]: time, [AGENT_DOWNLOAD_HEADERS.proof]: proof },
      signal: AbortSignal.timeout(10 * 60_000),
    });
    if (response.status !== 200) throw new Error(`server answered ${response.status}`);
    const length = Number(response.headers.get('content-length') ?? Number.NaN);
    if (length !== offer.size_bytes) { await response.body?.cancel(); throw new Error(`content-length ${length} differs from the offered size ${offer.size_bytes}`); }
    return Buffer.from(await response.arrayBuffer());
  }

  private switchTo(version: string): void {
    if (this.#switching) return;
    this.#switching = true;
    rmSync(awaitingFile(this.deps.data_dir), { force: true });
    rmSync(confirmedFile(this.deps.data_dir), { force: true });
    this.deps.platform.writeFileAtomic(pendingFile(this.deps.data_dir), JSON.stringify({ version }));
    this.deps.log.info(`switching to version ${version} (the supervisor starts it and rolls back if it does not come up)`);
    this.deps.requestSwitch();
  }

  /** Called after each heartbeat: a staged version that someone confirmed at the branch is switched to. */
  checkConfirmation(): void {
    const awaiting = readVersionFile(awaitingFile(this.deps.data_dir));
    if (!awaiting || readVersionFile(confirmedFile(this.deps.data_dir)) !== awaiting) return;
    if (!this.deps.installer?.has(awaiting)) { rmSync(awaitingFile(this.deps.data_dir), { force: true }); return; }
    this.switchTo(awaiting);
  }

  /** After connecting: reports the supervisor's verdict on the last switch, once. */
  reportOutcome(): void {
    const outcome = readOutcome(this.deps.data_dir);
    if (!outcome) return;
    // Kept until it was handed to the socket: a lost connection reports it on the next one.
    if (this.report(outcome.version, outcome.outcome, outcome.detail)) rmSync(outcomeFile(this.deps.data_dir), { force: true });
  }

  /** This version is connected and has sent a heartbeat: the supervisor's trial succeeds. */
  markHealthy(): void {
    this.deps.platform.writeFileAtomic(healthyFile(this.deps.data_dir), JSON.stringify({ version: this.deps.running_version, pid: process.pid }));
  }

  stop(): void {
    if (this.#retry) clearTimeout(this.#retry);
  }
}

/** `chaharsu-agent update confirm`: the person at the branch confirms the staged version (after the agent password). */
export function confirmStagedUpdate(platform: AgentPlatform, data_dir: string): string | null {
  const awaiting = readVersionFile(awaitingFile(data_dir));
  if (!awaiting) return null;
  platform.writeFileAtomic(confirmedFile(data_dir), JSON.stringify({ version: awaiting }));
  return awaiting;
}
