/**
 * Agent self-update on the server (spec E8): releases (published by the platform operator with a
 * signature made elsewhere), offers (an organisation's manager offers a release to a branch or to every
 * branch), the artifact download authenticated as the agent, and what the agents report back.
 * The server never holds the release signing key: it can only pass on what was signed, and the agent
 * checks the signature with its pinned public key before anything else (apps/agent/src/update).
 */
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, readFileSync, renameSync } from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import { AppError, actorUserId, assert, constantTimeEqual, decryptSecret, hmacSha256Hex, newId } from '@chaharsu/kit';
import { inTransaction, type Db, type Tx } from '@chaharsu/db';
import type { Ctx } from '@chaharsu/http';
import type { AuditApi } from '@chaharsu/audit';
import type { AgentReleaseDto, UpdateOfferDto, UpdateOfferInput, UpdatesDto } from './branch-sync.contracts.js';
import { agentRepository, eventRepository, type AgentRow } from './branch-sync.repository.js';
import type { BranchDirectory } from './branch-sync.service.js';
import { ReleaseVersion, downloadProofText, agentReleaseDownloadPath, type UpdateOffer, type UpdateReport } from './protocol.js';
import './branch-sync.errors.js';

export interface ReleaseRow { version: string; sha256: string; size_bytes: string | bigint; signature: string; artifact_file: string; notes: string | null; published_at: Date }
interface OfferRow { org_id: string; id: string; branch_id: string | null; version: string; install_without_confirmation: boolean; created_at: Date; withdrawn_at: Date | null }

/** An agent's download request is accepted this far from the server's clock (the heartbeat shows the skew). */
const DOWNLOAD_CLOCK_TOLERANCE_MS = 5 * 60_000;

export const releaseRepository = {
  byVersion: (db: Tx | Db, version: string) =>
    db.selectFrom('branch_sync.agent_release').selectAll().where('version', '=', version).executeTakeFirst() as Promise<ReleaseRow | undefined>,
  list: (db: Tx) => db.selectFrom('branch_sync.agent_release').selectAll().orderBy('published_at', 'desc').limit(50).execute() as Promise<ReleaseRow[]>,
  offers: (db: Tx, org_id: string) =>
    db.selectFrom('branch_sync.update_offer').selectAll().where('org_id', '=', org_id).orderBy('created_at', 'desc').limit(50).execute() as Promise<OfferRow[]>,
  /**
   * The offer in force for this branch: the newest one for it or for every branch — none when that newest one was
   * withdrawn (an older offer does not come back; see the migration `branch_sync_offer_withdrawal`).
   */
  effectiveOffer: async (db: Tx, org_id: string, branch_id: string): Promise<OfferRow | undefined> => {
    const newest = await db.selectFrom('branch_sync.update_offer').selectAll().where('org_id', '=', org_id)
      .where((eb) => eb.or([eb('branch_id', '=', branch_id), eb('branch_id', 'is', null)]))
      .orderBy('created_at', 'desc').orderBy('id', 'desc').limit(1).executeTakeFirst() as OfferRow | undefined;
    return newest && newest.withdrawn_at === null ? newest : undefined;
  },
  byIdForUpdate: (db: Tx, org_id: string, id: string) =>
    db.selectFrom('branch_sync.update_offer').selectAll().where('org_id', '=', org_id).where('id', '=', id).forUpdate().executeTakeFirst() as Promise<OfferRow | undefined>,
};

const toReleaseDto = (row: ReleaseRow): AgentReleaseDto => ({ version: row.version, sha256: row.sha256, size_bytes: Number(row.size_bytes), notes: row.notes, published_at: new Date(row.published_at).toISOString() });
const toOfferDto = (row: OfferRow): UpdateOfferDto => ({ id: row.id, version: row.version, branch_id: row.branch_id, install_without_confirmation: row.install_without_confirmation, created_at: new Date(row.created_at).toISOString(),
  withdrawn_at: row.withdrawn_at ? new Date(row.withdrawn_at).toISOString() : null });

/**
 * Publishes a signed release (the operator's CLI): copies the artifact under `releases_dir` (named by its
 * digest, so a half-copied file is never served under the final name) and records version, digest, size
 * and the signature. A version is published once: a different build must have a new version.
 */
export async function publishRelease(db: Db, releases_dir: string, input: { version: string; file: string; signature: string; notes?: string | null }): Promise<AgentReleaseDto> {
  const version = ReleaseVersion.parse(input.version);
  const bytes = readFileSync(input.file);
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const signature = input.signature.trim();
  assert(/^[A-Za-z0-9+/]{80,100}={0,2}$/.test(signature), 'the signature must be the base64 Ed25519 signature printed by branch-sync:sign-release');
  mkdirSync(releases_dir, { recursive: true });
  const artifact_file = `${version}-${sha256}.bin`;
  const temporary = path.join(releases_dir, `${artifact_file}.${process.pid}.tmp`);
  copyFileSync(input.file, temporary);
  renameSync(temporary, path.join(releases_dir, artifact_file));
  return inTransaction(db, { org_id: null, user_id: null, platform_admin: true }, async (tx) => {
    if (await releaseRepository.byVersion(tx, version)) throw new AppError('branch_sync.release_exists', { version });
    const row = await tx.insertInto('branch_sync.agent_release')
      .values({ version, sha256, size_bytes: String(bytes.length), signature, artifact_file, notes: input.notes ?? null })
      .returningAll().executeTakeFirstOrThrow() as ReleaseRow;
    return toReleaseDto(row);
  });
}

export interface ReleaseService {
  updates(ctx: Ctx): Promise<UpdatesDto>;
  offer(ctx: Ctx, input: UpdateOfferInput): Promise<UpdateOfferDto>;
  /** Withdraws an offer: agents are not offered it any more, and a download of it is refused from now on. */
  withdraw(ctx: Ctx, offer_id: string): Promise<UpdateOfferDto>;
}

export function createReleaseService(deps: { audit: AuditApi; branches: BranchDirectory }): ReleaseService {
  const orgOf = (ctx: Ctx): string => { assert(ctx.org_id, 'branch-sync needs an organisation in the context'); return ctx.org_id; };
  return {
    async updates(ctx) {
      const org_id = orgOf(ctx);
      const [releases, offers, agents] = await Promise.all([releaseRepository.list(ctx.db), releaseRepository.offers(ctx.db, org_id), agentRepository.listLive(ctx.db, org_id)]);
      // Offers come newest first (as effectiveOffer orders them); a withdrawn newest one means nothing is offered.
      const offeredTo = (branch_id: string): string | null => {
        const newest = offers.find((o) => o.branch_id === branch_id || o.branch_id === null);
        return newest && newest.withdrawn_at === null ? newest.version : null;
      };
      return {
        releases: releases.map(toReleaseDto),
        offers: offers.map(toOfferDto),
        agents: agents.map((agent) => {
          const update = agent as AgentRow & { update_version: string | null; update_state: UpdatesDto['agents'][number]['update_state']; update_detail: string | null; update_at: Date | null };
          return {
            agent_id: agent.id, branch_id: agent.branch_id, agent_version: agent.agent_version, offered_version: offeredTo(agent.branch_id),
            update_version: update.update_version, update_state: update.update_state, update_detail: update.update_detail,
            update_at: update.update_at ? new Date(update.update_at).toISOString() : null,
          };
        }),
      };
    },

    async offer(ctx, input) {
      const org_id = orgOf(ctx);
      const created_by = actorUserId(ctx.actor);
      if (!created_by) throw new AppError('common.unauthenticated');
      const release = await releaseRepository.byVersion(ctx.db, input.version);
      if (!release) throw new AppError('branch_sync.release_not_found', { version: input.version });
      if (input.branch_id && !(await deps.branches.exists(ctx, input.branch_id))) throw new AppError('branch_sync.branch_not_found', { branch_id: input.branch_id });
      const row = await ctx.db.insertInto('branch_sync.update_offer')
        .values({ org_id, id: newId(), branch_id: input.branch_id, version: release.version, install_without_confirmation: input.install_without_confirmation, created_by })
        .returningAll().executeTakeFirstOrThrow() as OfferRow;
      await deps.audit.record(ctx, { action: 'branch_sync.update.offer', entity_type: 'branch_sync.update_offer', entity_id: row.id, after: { version: row.version, branch_id: row.branch_id, install_without_confirmation: row.install_without_confirmation } });
      return toOfferDto(row);
    },

    async withdraw(ctx, offer_id) {
      const org_id = orgOf(ctx);
      const withdrawn_by = actorUserId(ctx.actor);
      if (!withdrawn_by) throw new AppError('common.unauthenticated');
      const before = await releaseRepository.byIdForUpdate(ctx.db, org_id, offer_id);
      if (!before) throw new AppError('branch_sync.offer_not_found', { offer_id });
      if (before.withdrawn_at) throw new AppError('branch_sync.offer_withdrawn', { version: before.version });
      const row = await ctx.db.updateTable('branch_sync.update_offer').set({ withdrawn_at: sql`now()`, withdrawn_by })
        .where('org_id', '=', org_id).where('id', '=', offer_id).returningAll().executeTakeFirstOrThrow() as OfferRow;
      await deps.audit.record(ctx, {
        action: 'branch_sync.update.withdraw', entity_type: 'branch_sync.update_offer', entity_id: row.id,
        before: { version: before.version, branch_id: before.branch_id, withdrawn_at: null }, after: { version: row.version, branch_id: row.branch_id, withdrawn_at: toOfferDto(row).withdrawn_at },
      });
      return toOfferDto(row);
    },
  };
}

/** The offer message for an agent running `running_version`, or null when there is nothing (new) to offer. */
export async function offerFor(tx: Tx, agent: AgentRow, running_version: string): Promise<UpdateOffer | null> {
  const offer = await releaseRepository.effectiveOffer(tx, agent.org_id, agent.branch_id);
  if (!offer || offer.version === running_version) return null;
  const state = agent as AgentRow & { update_version: string | null; update_state: string | null; update_at: Date | null };
  // A version this agent refused or rolled back is not offered again, unless the manager offers it anew after that
  // (e.g. once the branch's network is fixed); a newer offer of another version always goes out.
  const failed = state.update_version === offer.version && (state.update_state === 'rejected' || state.update_state === 'rolled_back');
  if (failed && state.update_at && new Date(state.update_at) >= new Date(offer.created_at)) return null;
  const release = await releaseRepository.byVersion(tx, offer.version);
  if (!release) return null;
  return {
    type: 'update.offer', version: release.version, sha256: release.sha256, size_bytes: Number(release.size_bytes), signature: release.signature,
    download_path: agentReleaseDownloadPath(release.version), install_without_confirmation: offer.install_without_confirmation,
  };
}

/** Records what the agent reported (agent row + an event the branch page shows). */
export async function recordUpdateReport(tx: Tx, agent: { org_id: string; agent_id: string; branch_id: string }, report: UpdateReport): Promise<void> {
  await tx.updateTable('branch_sync.agent')
    .set({ update_version: report.version, update_state: report.outcome, update_detail: report.detail, update_at: sql`now()` })
    .where('org_id', '=', agent.org_id).where('id', '=', agent.agent_id).execute();
  const level = report.outcome === 'rejected' || report.outcome === 'rolled_back' ? 'error' : 'info';
  await eventRepository.insert(tx, {
    org_id: agent.org_id, id: newId(), agent_id: agent.agent_id, branch_id: agent.branch_id, kind: 'update', level,
    message: `update to ${report.version}: ${report.outcome}`, detail: report.detail,
  });
}

/**
 * Checks an agent's download request (HMAC of its secret over its id, the path and the time) and that the
 * version is offered to its branch. Returns the release whose file the route streams.
 */
export async function authorizeDownload(
  db: Db, secret_key: Buffer, secretContext: (agent_id: string) => string,
  input: { agent: string | undefined; time: string | undefined; proof: string | undefined; version: string; path: string },
): Promise<ReleaseRow> {
  const denied = (): AppError => new AppError('branch_sync.download_denied');
  const match = /^([0-9a-f-]{36})\.([0-9a-f-]{36})$/.exec(input.agent ?? '');
  const time = Date.parse(input.time ?? '');
  if (!match?.[1] || !match[2] || !input.proof || Number.isNaN(time) || Math.abs(Date.now() - time) > DOWNLOAD_CLOCK_TOLERANCE_MS) throw denied();
  const org_id = match[1];
  const agent_id = match[2];
  return inTransaction(db, { org_id, user_id: null }, async (tx) => {
    const agent = await agentRepository.byId(tx, org_id, agent_id);
    if (!agent || agent.status === 'revoked') throw denied();
    // During a secret rotation the agent may already use the new secret (stored, not yet confirmed): both are accepted.
    const envelopes = [agent.secret_envelope, (agent as { pending_secret_envelope?: string | null }).pending_secret_envelope ?? null].filter((e): e is string => e !== null);
    const text = downloadProofText({ org_id, agent_id, path: input.path, time: input.time ?? '' });
    if (!envelopes.some((envelope) => constantTimeEqual(hmacSha256Hex(decryptSecret(secret_key, envelope, secretContext(agent.id)), text), input.proof ?? ''))) throw denied();
    const offer = await releaseRepository.effectiveOffer(tx, org_id, agent.branch_id);
    const release = offer?.version === input.version ? await releaseRepository.byVersion(tx, input.version) : undefined;
    if (!release) throw new AppError('branch_sync.release_not_found', { version: input.version });
    return release;
  });
}
