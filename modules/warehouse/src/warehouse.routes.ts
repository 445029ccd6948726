import { createReadStream, existsSync } from 'node:fs';
import type { FastifyReply } from 'fastify';
import { createRequire } from 'node:module';
import path from 'node:path';
import { z } from 'zod';
import { AppError } from '@chaharsu/kit';
import { IdParams } from '@chaharsu/http';
import type { App } from '@chaharsu/http';
import type { AuditApi } from '@chaharsu/audit';
import { WarehousePermissions as P } from './warehouse.permissions.js';
import type { WarehouseService } from './warehouse.service.js';
import type { Backups } from './backup.js';
import {
  BackupDto, BackupFileParams, BackupList, EmployeeCreate, EmployeeDto, EmployeePage, EmployeeQuery, EmployeeUpdate, FaceChallengeDto,
  FaceConfirmRequest, FaceConfirmResult, FaceEnrolment, FaceEnrolmentResult, HistoryPage, HistoryQuery, MoveResult, ReversalRequest,
  StationMovementCreate,
} from './warehouse.contracts.js';

const tags = ['warehouse'];

/** Human's model files and tfjs's wasm binaries, served from our own origin (offline; no CDN). */
function faceAssetFolders(): { models: string; wasm: string } {
  const require = createRequire(import.meta.url);
  return {
    models: path.resolve(path.dirname(require.resolve('@vladmandic/human')), '..', 'models'),
    wasm: path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm')),
  };
}
const AssetParams = z.object({ file: z.string().regex(/^[a-z0-9][a-z0-9._-]{0,80}\.(json|bin|wasm)$/i) });

export interface OrgBackupPolicy { policy: 'single_org' | 'always' | 'never'; organisation_count: () => Promise<number> }

/** The backups an organisation's admin may reach through the API, or the reason they may not. */
export async function orgBackups(backups: Backups | null, policy: OrgBackupPolicy): Promise<Backups> {
  if (!backups || policy.policy === 'never') throw new AppError('warehouse.backup_not_configured');
  if (policy.policy === 'single_org' && (await policy.organisation_count()) > 1) throw new AppError('warehouse.backup_multi_tenant');
  return backups;
}

export function warehouseRoutes(service: WarehouseService, audit: AuditApi, backupsIfAny: Backups | null, policy: OrgBackupPolicy) {
  const allowed = () => orgBackups(backupsIfAny, policy);
  return async (app: App): Promise<void> => {
    app.get('/api/warehouse/employees', {
      schema: { tags, querystring: EmployeeQuery, response: { 200: EmployeePage } }, config: { access: { auth: 'org', permission: P.read } },
    }, (req) => req.tx((ctx) => service.employees.list(ctx, req.query)));
    app.post('/api/warehouse/employees', {
      schema: { tags, body: EmployeeCreate, response: { 201: EmployeeDto } }, config: { access: { auth: 'org', permission: P.employeesManage } },
    }, async (req, reply) => reply.status(201).send(await req.tx((ctx) => service.employees.create(ctx, req.body))));
    app.get('/api/warehouse/employees/:id', {
      schema: { tags, params: IdParams, response: { 200: EmployeeDto } }, config: { access: { auth: 'org', permission: P.read } },
    }, (req) => req.tx((ctx) => service.employees.get(ctx, req.params.id)));
    app.patch('/api/warehouse/employees/:id', {
      schema: { tags, params: IdParams, body: EmployeeUpdate, response: { 200: EmployeeDto } }, config: { access: { auth: 'org', permission: P.employeesManage } },
    }, (req) => req.tx((ctx) => service.employees.update(ctx, req.params.id, req.body)));
    app.put('/api/warehouse/employees/:id/face', {
      schema: { tags, params: IdParams, body: FaceEnrolment, response: { 200: FaceEnrolmentResult } }, config: { access: { auth: 'org', permission: P.employeesManage } },
    }, (req) => req.tx((ctx) => service.employees.enrolFace(ctx, req.params.id, req.body.descriptors)));
    app.delete('/api/warehouse/employees/:id/face', {
      schema: { tags, params: IdParams, response: { 200: EmployeeDto } }, config: { access: { auth: 'org', permission: P.employeesManage } },
    }, (req) => req.tx((ctx) => service.employees.removeFace(ctx, req.params.id)));

    app.post('/api/warehouse/employees/:id/face/challenge', {
      schema: { tags, params: IdParams, response: { 201: FaceChallengeDto } }, config: { access: { auth: 'org', permission: P.faceConfirm } },
    }, async (req, reply) => reply.status(201).send(await req.tx((ctx) => service.face.challenge(ctx, req.params.id))));
    app.post('/api/warehouse/employees/:id/face/confirm', {
      schema: { tags, params: IdParams, body: FaceConfirmRequest, response: { 200: FaceConfirmResult } }, config: { access: { auth: 'org', permission: P.faceConfirm } },
    }, async (req) => {
      // The attempt commits (recorded, challenge used up) before a refusal is answered.
      const outcome = await req.tx((ctx) => service.face.confirm(ctx, req.params.id, req.body));
      if (!outcome.accepted) throw new AppError(outcome.code, outcome.params);
      return outcome.result;
    });

    app.post('/api/warehouse/movements', {
      schema: { tags, body: StationMovementCreate, response: { 201: MoveResult } }, config: { access: { auth: 'org', permission: P.move } },
    }, async (req, reply) => reply.status(201).send(await service.movements.submit(req, req.body)));
    app.get('/api/warehouse/movements', {
      schema: { tags, querystring: HistoryQuery, response: { 200: HistoryPage } }, config: { access: { auth: 'org', permission: P.read } },
    }, (req) => req.tx((ctx) => service.movements.history(ctx, req.query)));
    app.post('/api/warehouse/movements/:id/reversal', {
      schema: { tags, params: IdParams, body: ReversalRequest, response: { 201: MoveResult } }, config: { access: { auth: 'org', permission: P.reverse } },
    }, async (req, reply) => reply.status(201).send(await req.tx((ctx) => service.movements.reverse(ctx, req.params.id, req.body.reason))));

    app.get('/api/warehouse/backups', {
      schema: { tags, response: { 200: BackupList } }, config: { access: { auth: 'org', permission: P.backupsManage } },
    }, async () => {
      const backups = await allowed();
      return { items: backups.list(), folder: backups.folder };
    });
    app.post('/api/warehouse/backups', {
      schema: { tags, response: { 201: BackupDto } }, config: { access: { auth: 'org', permission: P.backupsManage } },
    }, async (req, reply) => {
      const made = await (await allowed()).create('manual');
      await req.tx((ctx) => audit.record(ctx, { action: 'warehouse.backup.create', entity_type: 'warehouse.backup', entity_id: made.file_name, after: made }));
      return reply.status(201).send({ file_name: made.file_name, size_bytes: made.size_bytes, created_at: made.created_at });
    });
    app.get('/api/warehouse/backups/:file_name', {
      schema: { tags, params: BackupFileParams }, config: { access: { auth: 'org', permission: P.backupsManage } },
    }, async (req, reply) => {
      const file = (await allowed()).open(req.params.file_name);
      await req.tx((ctx) => audit.record(ctx, { action: 'warehouse.backup.download', entity_type: 'warehouse.backup', entity_id: req.params.file_name }));
      return reply.type('application/sql').header('content-length', file.size_bytes)
        .header('content-disposition', `attachment; filename="${req.params.file_name}"`).send(file.stream);
    });

    const assets = faceAssetFolders();
    app.get('/api/warehouse/face-assets/models/:file', {
      schema: { tags, params: AssetParams, hide: true }, config: { access: { auth: 'session' } },
    }, (req, reply) => sendAsset(reply, assets.models, req.params.file));
    app.get('/api/warehouse/face-assets/wasm/:file', {
      schema: { tags, params: AssetParams, hide: true }, config: { access: { auth: 'session' } },
    }, (req, reply) => sendAsset(reply, assets.wasm, req.params.file));
  };
}

function sendAsset(reply: FastifyReply, folder: string, file: string): FastifyReply {
  const full = path.join(folder, file);
  if (!existsSync(full)) throw new AppError('common.not_found');
  const type = file.endsWith('.json') ? 'application/json' : file.endsWith('.wasm') ? 'application/wasm' : 'application/octet-stream';
  return reply.type(type).header('cache-control', 'public, max-age=604800').send(createReadStream(full));
}
