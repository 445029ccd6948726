import { createReadStream } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { App } from '@chaharsu/http';
import { AgentSettingsInput, PasswordRotationDto, SecretRotationDto, AgentPasswordDto, AgentStatusDto, AgentStatusList, BranchParams, CommandDto, CommandList, CommandListQuery, CommandParams, EnrolmentCodeDto, HealthHistory, MirrorPage, MirrorPageQuery, MirrorResyncInput, MirrorStatusDto, OfferParams, SendCommandInput, UpdateOfferDto, UpdateOfferInput, UpdatesDto } from './branch-sync.contracts.js';
import { AGENT_DOWNLOAD_HEADERS, AGENT_ENROL_PATH, AGENT_SOCKET_PATH, EnrolRequest, EnrolResponse, agentReleaseDownloadPath } from './protocol.js';
import type { ReleaseService } from './releases.js';
import type { BranchSyncService } from './branch-sync.service.js';
import type { Hub } from './hub.js';
import { BranchSyncPermissions } from './permissions.js';

const manage = { auth: 'org', permission: BranchSyncPermissions.agentsManage } as const;
const read = { auth: 'org', permission: BranchSyncPermissions.read } as const;
const send = { auth: 'org', permission: BranchSyncPermissions.commandsSend } as const;

export function branchSyncRoutes(service: BranchSyncService, hub: Hub, releases: { service: ReleaseService; dir: string }) {
  return (app: App): void => {
    // ---- the agent (authenticates itself: enrolment code, then challenge-response on the socket) ----
    app.post(AGENT_ENROL_PATH, {
      schema: { tags: ['branch-sync'], body: EnrolRequest, response: { 200: EnrolResponse } },
      config: { access: { auth: 'agent' }, csrf: false },
    }, (req) => hub.enrol(req.body, { ip: req.ip }));

    app.get(AGENT_SOCKET_PATH, {
      websocket: true,
      schema: { hide: true },
      config: { access: { auth: 'agent' } },
    }, (socket, req) => hub.accept(socket, { remote_address: req.ip }));

    // The release artifact, for an agent that was offered it (HMAC proof in headers; big bytes stay off the socket).
    app.get('/api/branch-sync/agent/releases/:version/artifact', {
      schema: { hide: true, params: z.object({ version: z.string().min(1).max(50) }) },
      config: { access: { auth: 'agent' } },
    }, async (req, reply) => {
      const header = (name: string): string | undefined => { const value = req.headers[name]; return typeof value === 'string' ? value : undefined; };
      const release = await hub.authorizeDownload({
        agent: header(AGENT_DOWNLOAD_HEADERS.agent), time: header(AGENT_DOWNLOAD_HEADERS.time), proof: header(AGENT_DOWNLOAD_HEADERS.proof),
        version: req.params.version, path: agentReleaseDownloadPath(req.params.version),
      });
      return reply.header('content-type', 'application/octet-stream').header('content-length', String(release.size_bytes))
        .header('x-content-sha256', release.sha256).send(createReadStream(path.join(releases.dir, release.artifact_file)));
    });

    // ---- the panel ----
    app.get('/api/branch-sync/updates', {
      schema: { tags: ['branch-sync'], response: { 200: UpdatesDto } },
      config: { access: read },
    }, (req) => req.tx((ctx) => releases.service.updates(ctx)));

    app.post('/api/branch-sync/updates/offers', {
      schema: { tags: ['branch-sync'], body: UpdateOfferInput, response: { 201: UpdateOfferDto } },
      config: { access: manage },
    }, async (req, reply) => reply.status(201).send(await req.tx((ctx) => releases.service.offer(ctx, req.body))));

    app.post('/api/branch-sync/updates/offers/:offer_id/withdraw', {
      schema: { tags: ['branch-sync'], params: OfferParams, response: { 200: UpdateOfferDto } },
      config: { access: manage },
    }, (req) => req.tx((ctx) => releases.service.withdraw(ctx, req.params.offer_id)));

    app.get('/api/branch-sync/agents', {
      schema: { tags: ['branch-sync'], response: { 200: AgentStatusList } },
      config: { access: read },
    }, (req) => req.tx((ctx) => service.listStatuses(ctx)));

    app.get('/api/branch-sync/branches/:branch_id/agent', {
      schema: { tags: ['branch-sync'], params: BranchParams, response: { 200: AgentStatusDto } },
      config: { access: read },
    }, (req) => req.tx((ctx) => service.branchStatus(ctx, req.params.branch_id)));

    app.get('/api/branch-sync/branches/:branch_id/agent/health', {
      schema: { tags: ['branch-sync'], params: BranchParams, querystring: z.object({ limit: z.coerce.number().int().min(1).max(1000).default(100) }), response: { 200: HealthHistory } },
      config: { access: read },
    }, (req) => req.tx((ctx) => service.healthHistory(ctx, req.params.branch_id, req.query.limit)));

    app.post('/api/branch-sync/branches/:branch_id/enrolment-codes', {
      schema: { tags: ['branch-sync'], params: BranchParams, response: { 201: EnrolmentCodeDto } },
      config: { access: manage },
    }, async (req, reply) => reply.status(201).send(await req.tx((ctx) => service.issueEnrolmentCode(ctx, req.params.branch_id))));

    app.post('/api/branch-sync/branches/:branch_id/agent/revoke', {
      schema: { tags: ['branch-sync'], params: BranchParams, response: { 204: z.null() } },
      config: { access: manage },
    }, async (req, reply) => { await req.tx((ctx) => service.revokeAgent(ctx, req.params.branch_id)); return reply.status(204).send(null); });

    // POST, not GET: showing a secret is an action, audited each time.
    app.post('/api/branch-sync/branches/:branch_id/agent/password/reveal', {
      schema: { tags: ['branch-sync'], params: BranchParams, response: { 200: AgentPasswordDto } },
      config: { access: manage },
    }, (req) => req.tx((ctx) => service.revealAgentPassword(ctx, req.params.branch_id)));

    // Rotation without re-enrolment: the agent gets the new secret / password verifier over its authenticated socket.
    app.post('/api/branch-sync/branches/:branch_id/agent/secret/rotate', {
      schema: { tags: ['branch-sync'], params: BranchParams, response: { 202: SecretRotationDto } },
      config: { access: manage },
    }, async (req, reply) => reply.status(202).send(await req.tx((ctx) => service.rotateAgentSecret(ctx, req.params.branch_id))));

    app.post('/api/branch-sync/branches/:branch_id/agent/password/rotate', {
      schema: { tags: ['branch-sync'], params: BranchParams, response: { 200: PasswordRotationDto } },
      config: { access: manage },
    }, (req) => req.tx((ctx) => service.rotateAgentPassword(ctx, req.params.branch_id)));

    app.put('/api/branch-sync/branches/:branch_id/agent/settings', {
      schema: { tags: ['branch-sync'], params: BranchParams, body: AgentSettingsInput, response: { 200: AgentStatusDto } },
      config: { access: manage },
    }, (req) => req.tx((ctx) => service.updateAgentSettings(ctx, req.params.branch_id, req.body)));

    app.get('/api/branch-sync/branches/:branch_id/commands', {
      schema: { tags: ['branch-sync'], params: BranchParams, querystring: CommandListQuery, response: { 200: CommandList } },
      config: { access: read },
    }, (req) => req.tx((ctx) => service.listCommands(ctx, req.params.branch_id, req.query)));

    app.get('/api/branch-sync/branches/:branch_id/commands/:command_id', {
      schema: { tags: ['branch-sync'], params: CommandParams, response: { 200: CommandDto } },
      config: { access: read },
    }, (req) => req.tx((ctx) => service.getCommand(ctx, req.params.branch_id, req.params.command_id)));

    app.post('/api/branch-sync/branches/:branch_id/commands', {
      schema: { tags: ['branch-sync'], params: BranchParams, body: SendCommandInput, response: { 201: CommandDto } },
      config: { access: send },
    }, async (req, reply) => reply.status(201).send(await req.tx((ctx) => service.sendCommand(ctx, req.params.branch_id, req.body))));

    app.post('/api/branch-sync/branches/:branch_id/commands/:command_id/retry', {
      schema: { tags: ['branch-sync'], params: CommandParams, response: { 201: CommandDto } },
      config: { access: send },
    }, async (req, reply) => reply.status(201).send(await req.tx((ctx) => service.retryCommand(ctx, req.params.branch_id, req.params.command_id))));

    // ---- the catalog mirror (the discrepancy view of a later issue reads it) ----
    app.get('/api/branch-sync/branches/:branch_id/mirror', {
      schema: { tags: ['branch-sync'], params: BranchParams, response: { 200: MirrorStatusDto } },
      config: { access: read },
    }, (req) => req.tx((ctx) => service.mirrorStatus(ctx, req.params.branch_id)));

    app.get('/api/branch-sync/branches/:branch_id/mirror/rows', {
      schema: { tags: ['branch-sync'], params: BranchParams, querystring: MirrorPageQuery, response: { 200: MirrorPage } },
      config: { access: read },
    }, (req) => req.tx((ctx) => service.mirrorPage(ctx, req.params.branch_id, req.query)));

    app.post('/api/branch-sync/branches/:branch_id/mirror/resync', {
      schema: { tags: ['branch-sync'], params: BranchParams, body: MirrorResyncInput, response: { 202: MirrorStatusDto } },
      config: { access: manage },
    }, async (req, reply) => reply.status(202).send(await req.tx((ctx) => service.requestMirrorResync(ctx, req.params.branch_id, req.body.company_database))));
  };
}
