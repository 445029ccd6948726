/**
 * The warehouse station's rules: employees and their face templates, liveness challenges, face
 * confirmations, and stock movements that are saved only with a valid confirmation (spec 05 W4–W7).
 * Every method is (ctx, input) → DTO and runs in the caller's transaction.
 */
import { createHmac, randomInt } from 'node:crypto';
import { AppError, assert, decryptSecret, encryptSecret, newId, type RequestContext } from '@chaharsu/kit';
import { pgConstraint, pgErrorCode } from '@chaharsu/db';
import type { Ctx } from '@chaharsu/http';
import type { AuditApi } from '@chaharsu/audit';
import type { InventoryApi, MovementCreate, MovementDto, MovementPage, MoveResult } from '@chaharsu/inventory';
import type { CatalogApi } from '@chaharsu/catalog';
import './warehouse.errors.js';
import { checkEnrolment, descriptorProblem, FACE_MATCH_THRESHOLD, matchTemplate, type FaceTemplate } from './face-match.js';
import { CONFIRMATION_TTL_MS, issueConfirmation, verifyConfirmation } from './face-token.js';
import { challenges, confirmations, employeeNames, employees, type EmployeeRow } from './warehouse.repository.js';
import type {
  ChallengeKind, EmployeeCreate, EmployeeDto, EmployeeQuery, EmployeeUpdate, FaceChallengeDto, FaceConfirmRequest, FaceConfirmResult,
  HistoryQuery, StationMovementCreate,
} from './warehouse.contracts.js';

export interface WarehouseDeps {
  audit: AuditApi;
  inventory: Pick<InventoryApi, 'move' | 'submitMove' | 'reverse' | 'listMovements' | 'getMovement'>;
  catalog: Pick<CatalogApi, 'resolveCode'>;
  /** The server secret (32 bytes); keys for templates and tokens are derived from it per purpose. */
  secret_key: Buffer;
  face_match_threshold?: number;
  /** The clock (tests move it to expire confirmations). */
  now?: () => Date;
}

export const CHALLENGE_TTL_MS = 2 * 60 * 1000;
/** At most this many refused confirmations of one employee per window before new challenges are refused. */
export const MAX_REFUSED_ATTEMPTS = 5;
export const REFUSED_ATTEMPTS_WINDOW_MS = 10 * 60 * 1000;
/** The Human gesture strings (`human.result.gesture`) that satisfy each challenge. */
export const CHALLENGE_GESTURES: Record<ChallengeKind, string[]> = {
  blink: ['blink left eye', 'blink right eye'],
  turn_left: ['facing left'],
  turn_right: ['facing right'],
};
const CHALLENGE_KINDS: ChallengeKind[] = ['blink', 'turn_left', 'turn_right'];

export type FaceConfirmOutcome =
  | { accepted: true; result: FaceConfirmResult }
  | { accepted: false; code: 'warehouse.liveness_failed' | 'warehouse.face_mismatch'; params: Record<string, string | number> };

export interface HistoryItem extends MovementDto { employee_name: string | null }

function derivedKey(secret: Buffer, purpose: string): Buffer {
  assert(secret.length >= 32, 'the server secret must be at least 32 bytes');
  return createHmac('sha256', secret).update(`chaharsu:${purpose}`).digest();
}

function orgOf(ctx: RequestContext): string {
  assert(ctx.org_id, 'warehouse needs an organisation in the context');
  return ctx.org_id;
}

function personOf(ctx: RequestContext): { user_id: string; session_id: string | null } {
  if (ctx.actor.kind !== 'user') throw new AppError('common.forbidden');
  return { user_id: ctx.actor.user_id, session_id: ctx.actor.session_id };
}

function employeeDto(row: EmployeeRow): EmployeeDto {
  return {
    id: row.id, full_name: row.full_name, personnel_code: row.personnel_code, phone: row.phone, is_active: row.is_active,
    face_enrolled: row.face_template_encrypted !== null, face_frames: row.face_frames,
    face_enrolled_at: row.face_enrolled_at ? new Date(row.face_enrolled_at).toISOString() : null,
    created_at: new Date(row.created_at).toISOString(), updated_at: new Date(row.updated_at).toISOString(),
  };
}

/** What the audit log keeps of an employee: never the template. */
function auditView(row: EmployeeRow): Record<string, unknown> {
  const { face_template_encrypted: _template, ...rest } = row;
  return { ...rest, face_enrolled: row.face_template_encrypted !== null };
}

export function createWarehouseService(deps: WarehouseDeps) {
  const now = deps.now ?? (() => new Date());
  const threshold = deps.face_match_threshold ?? FACE_MATCH_THRESHOLD;
  const templateKey = derivedKey(deps.secret_key, 'warehouse.face_template');
  const tokenKey = derivedKey(deps.secret_key, 'warehouse.face_confirmation');
  const templateContext = (org_id: string, employee_id: string): string => `warehouse.face_template:${org_id}:${employee_id}`;

  async function employeeOr404(ctx: Ctx, id: string, lock = false): Promise<EmployeeRow> {
    const row = await employees.get(ctx.db, orgOf(ctx), id, lock);
    if (!row) throw new AppError('warehouse.employee_not_found', { employee_id: id });
    return row;
  }

  function uniqueViolation(error: unknown): never {
    if (pgErrorCode(error) === '23505' && pgConstraint(error) === 'employee_code') throw new AppError('warehouse.employee_code_taken');
    throw error;
  }

  const employeesService = {
    async create(ctx: Ctx, input: EmployeeCreate): Promise<EmployeeDto> {
      const row = await employees.insert(ctx.db, { org_id: orgOf(ctx), id: newId(), ...input }).catch(uniqueViolation);
      await deps.audit.record(ctx, { action: 'warehouse.employee.create', entity_type: 'warehouse.employee', entity_id: row.id, after: auditView(row) });
      return employeeDto(row);
    },
    async update(ctx: Ctx, id: string, input: EmployeeUpdate): Promise<EmployeeDto> {
      const before = await employeeOr404(ctx, id, true);
      const after = await employees.update(ctx.db, orgOf(ctx), id, input).catch(uniqueViolation);
      await deps.audit.record(ctx, { action: 'warehouse.employee.update', entity_type: 'warehouse.employee', entity_id: id, before: auditView(before), after: auditView(after) });
      return employeeDto(after);
    },
    async get(ctx: Ctx, id: string): Promise<EmployeeDto> {
      return employeeDto(await employeeOr404(ctx, id));
    },
    async list(ctx: Ctx, query: EmployeeQuery): Promise<{ items: EmployeeDto[]; total: number }> {
      const { rows, total } = await employees.list(ctx.db, orgOf(ctx), query);
      return { items: rows.map(employeeDto), total };
    },
    /** Replaces the employee's face template with one made of 10–30 descriptors of one person. */
    async enrolFace(ctx: Ctx, id: string, descriptors: number[][]): Promise<{ employee: EmployeeDto; frames: number; weakest_similarity: number }> {
      const { user_id } = personOf(ctx);
      const before = await employeeOr404(ctx, id, true);
      const check = checkEnrolment(descriptors, threshold);
      if (!check.ok) {
        if (check.reason === 'inconsistent') throw new AppError('warehouse.enrolment_inconsistent', { frame: check.frame, similarity: check.similarity, threshold });
        if (check.reason === 'norm') throw new AppError('warehouse.enrolment_low_quality', { frame: check.frame ?? -1 });
        throw new AppError('warehouse.enrolment_invalid', { reason: check.reason, frame: check.frame ?? -1, min_frames: 10, max_frames: 30, dimension: 1024 });
      }
      const encrypted = encryptSecret(templateKey, JSON.stringify(check.template), templateContext(before.org_id, id));
      const after = await employees.update(ctx.db, before.org_id, id, {
        face_template_encrypted: encrypted, face_frames: descriptors.length, face_enrolled_at: now(), face_enrolled_by: user_id,
      });
      await deps.audit.record(ctx, {
        action: before.face_template_encrypted ? 'warehouse.employee.face_reenrol' : 'warehouse.employee.face_enrol',
        entity_type: 'warehouse.employee', entity_id: id, after: { frames: descriptors.length, weakest_similarity: check.weakest_similarity },
      });
      return { employee: employeeDto(after), frames: descriptors.length, weakest_similarity: check.weakest_similarity };
    },
    async removeFace(ctx: Ctx, id: string): Promise<EmployeeDto> {
      await employeeOr404(ctx, id, true);
      const after = await employees.update(ctx.db, orgOf(ctx), id, { face_template_encrypted: null, face_frames: null, face_enrolled_at: null, face_enrolled_by: null });
      await deps.audit.record(ctx, { action: 'warehouse.employee.face_remove', entity_type: 'warehouse.employee', entity_id: id });
      return employeeDto(after);
    },
  };

  function templateOf(row: EmployeeRow): FaceTemplate {
    if (!row.face_template_encrypted) throw new AppError('warehouse.face_not_enrolled', { employee_id: row.id });
    return JSON.parse(decryptSecret(templateKey, row.face_template_encrypted, templateContext(row.org_id, row.id))) as FaceTemplate;
  }

  async function usableEmployee(ctx: Ctx, id: string): Promise<EmployeeRow> {
    const row = await employeeOr404(ctx, id);
    if (!row.is_active) throw new AppError('warehouse.employee_inactive', { employee_id: id });
    return row;
  }

  const face = {
    /** Starts a confirmation: the station must show this challenge (blink / turn) before taking the descriptor. */
    async challenge(ctx: Ctx, employee_id: string): Promise<FaceChallengeDto> {
      const person = personOf(ctx);
      const row = await usableEmployee(ctx, employee_id);
      if (!row.face_template_encrypted) throw new AppError('warehouse.face_not_enrolled', { employee_id });
      const refused = await confirmations.refusedSince(ctx.db, row.org_id, employee_id, new Date(now().getTime() - REFUSED_ATTEMPTS_WINDOW_MS));
      if (refused >= MAX_REFUSED_ATTEMPTS) throw new AppError('warehouse.face_too_many_attempts', { minutes: REFUSED_ATTEMPTS_WINDOW_MS / 60_000 });
      const kind = CHALLENGE_KINDS[randomInt(CHALLENGE_KINDS.length)] ?? 'blink';
      const created = await challenges.insert(ctx.db, {
        org_id: row.org_id, id: newId(), employee_id, kind, user_id: person.user_id, session_id: person.session_id,
        expires_at: new Date(now().getTime() + CHALLENGE_TTL_MS),
      });
      return { challenge_id: created.id, employee_id, kind, accepted_gestures: CHALLENGE_GESTURES[kind], expires_at: new Date(created.expires_at).toISOString() };
    },

    /**
     * Matches a live descriptor against the employee's template. The attempt is recorded and the challenge
     * used up whatever the outcome; a refusal is returned (not thrown) so that record commits.
     */
    async confirm(ctx: Ctx, employee_id: string, input: FaceConfirmRequest): Promise<FaceConfirmOutcome> {
      const person = personOf(ctx);
      const org_id = orgOf(ctx);
      if (descriptorProblem(input.descriptor)) throw new AppError('warehouse.descriptor_invalid');
      const challenge = await challenges.getForUpdate(ctx.db, org_id, input.challenge_id);
      if (!challenge || challenge.employee_id !== employee_id || challenge.user_id !== person.user_id) throw new AppError('warehouse.challenge_not_found');
      if (challenge.used_at) throw new AppError('warehouse.challenge_used');
      const at = now();
      if (new Date(challenge.expires_at).getTime() <= at.getTime()) throw new AppError('warehouse.challenge_expired');
      await challenges.markUsed(ctx.db, org_id, challenge.id, at);
      const row = await usableEmployee(ctx, employee_id);
      const match = matchTemplate(input.descriptor, templateOf(row), threshold);
      const livenessPassed = input.liveness.challenge_passed && input.liveness.observed_gestures.some((g) => CHALLENGE_GESTURES[challenge.kind].includes(g));
      const accepted = livenessPassed && match.accepted;
      const confirmation_id = newId();
      await confirmations.insert(ctx.db, {
        org_id, id: confirmation_id, employee_id, challenge_id: challenge.id, user_id: person.user_id, session_id: person.session_id,
        similarity: match.similarity, threshold, accepted, liveness: { kind: challenge.kind, ...input.liveness }, created_at: at,
      });
      await deps.audit.record(ctx, {
        action: accepted ? 'warehouse.face.confirmed' : 'warehouse.face.refused', entity_type: 'warehouse.employee', entity_id: employee_id,
        after: { confirmation_id, similarity: match.similarity, threshold, liveness_passed: livenessPassed },
      });
      if (!livenessPassed) return { accepted: false, code: 'warehouse.liveness_failed', params: { kind: challenge.kind } };
      if (!match.accepted) return { accepted: false, code: 'warehouse.face_mismatch', params: { similarity: match.similarity, threshold } };
      const token = issueConfirmation(tokenKey, {
        v: 1, confirmation_id, org_id, employee_id, user_id: person.user_id, session_id: person.session_id, issued_at_ms: at.getTime(),
      });
      return {
        accepted: true,
        result: { employee_id, confirmation_token: token, similarity: match.similarity, threshold, expires_at: new Date(at.getTime() + CONFIRMATION_TTL_MS).toISOString() },
      };
    },
  };

  async function itemIdOf(ctx: Ctx, input: StationMovementCreate): Promise<string> {
    if (input.item_id) return input.item_id;
    if (input.barcode) return (await deps.catalog.resolveCode(ctx, input.barcode)).item_id;
    throw new AppError('warehouse.product_required');
  }

  /** The face confirmation a station movement carries: valid (< 5 min), of this employee, for this user and session. */
  function confirmationOf(ctx: RequestContext, input: StationMovementCreate): string {
    const person = personOf(ctx);
    return verifyConfirmation(tokenKey, input.face_confirmation_token, {
      org_id: orgOf(ctx), employee_id: input.employee_id, user_id: person.user_id, session_id: person.session_id, now_ms: now().getTime(),
    }).confirmation_id;
  }

  /** Employees that may not move goods (unknown, or deactivated since their confirmation), by id: one query for many movements. */
  async function refusedEmployees(ctx: Ctx, ids: string[]): Promise<Map<string, AppError>> {
    const states = await employees.activeStates(ctx.db, orgOf(ctx), ids);
    const refused = new Map<string, AppError>();
    for (const employee_id of ids) {
      const active = states.get(employee_id);
      if (active === undefined) refused.set(employee_id, new AppError('warehouse.employee_not_found', { employee_id }));
      else if (!active) refused.set(employee_id, new AppError('warehouse.employee_inactive', { employee_id }));
    }
    return refused;
  }

  function moveOf(input: StationMovementCreate, item_id: string, confirmation_id: string): MovementCreate {
    return {
      type: input.type, warehouse_id: input.warehouse_id, item_id, quantity: input.quantity,
      ...(input.note ? { reason: input.note } : {}),
      reference_type: 'face_confirmation', reference_id: confirmation_id,
      ...(input.idempotency_key ? { idempotency_key: input.idempotency_key } : {}),
    };
  }

  /** Ties each movement to the face confirmation that allowed it (in the movement's transaction). */
  async function linkConfirmation(ctx: Ctx, result: MoveResult, confirmation_id: string, employee_id: string): Promise<void> {
    for (const movement of result.movements) {
      await confirmations.linkMovement(ctx.db, { org_id: orgOf(ctx), movement_id: movement.id, confirmation_id, employee_id });
    }
  }

  const movements = {
    /** IN / OUT at the station, in the caller's transaction: refused without a valid face confirmation (stationMove). */
    async record(ctx: Ctx, input: StationMovementCreate): Promise<MoveResult> {
      const confirmation_id = confirmationOf(ctx, input);
      const refused = (await refusedEmployees(ctx, [input.employee_id])).get(input.employee_id);
      if (refused) throw refused;
      const move = moveOf(input, await itemIdOf(ctx, input), confirmation_id);
      const result = await deps.inventory.move(ctx, move, { employee_id: input.employee_id });
      await linkConfirmation(ctx, result, confirmation_id, input.employee_id);
      return result;
    },

    /**
     * The same for a request (the station's route), through inventory's movement lane: the face token is checked
     * here (no database), the employee in the batch's transaction with the other movements' employees (one query
     * per batch), and the movement and its confirmation link are written with other operators' movements in one
     * transaction; answered after that commit. A barcode instead of `item_id` is resolved first, in a short
     * transaction of the request (the station screen sends the item its scan found).
     */
    async submit(request: { ctx: RequestContext; tx<T>(fn: (ctx: Ctx) => Promise<T>): Promise<T> }, input: StationMovementCreate): Promise<MoveResult> {
      const confirmation_id = confirmationOf(request.ctx, input);
      const item_id = input.item_id ?? await request.tx((ctx) => itemIdOf(ctx, input));
      return deps.inventory.submitMove(request.ctx, moveOf(input, item_id, confirmation_id), {
        employee_id: input.employee_id,
        check: { key: 'warehouse.employee_active', id: input.employee_id, run: refusedEmployees },
        after: (ctx, result) => linkConfirmation(ctx, result, confirmation_id, input.employee_id),
      });
    },

    async history(ctx: Ctx, query: HistoryQuery): Promise<{ items: HistoryItem[]; total: number }> {
      const page: MovementPage = await deps.inventory.listMovements(ctx, query);
      const ids = [...new Set(page.items.map((m) => m.employee_id).filter((id): id is string => id !== null))];
      const names = await employeeNames(ctx.db, orgOf(ctx), ids);
      return { total: page.total, items: page.items.map((m) => ({ ...m, employee_name: m.employee_id ? names.get(m.employee_id) ?? null : null })) };
    },

    /** Admin only (route permission): a counter-movement with a reason, shown beside the original. */
    async reverse(ctx: Ctx, movement_id: string, reason: string) {
      personOf(ctx);
      return deps.inventory.reverse(ctx, movement_id, { reason });
    },
  };

  return { employees: employeesService, face, movements, threshold };
}

export type WarehouseService = ReturnType<typeof createWarehouseService>;
