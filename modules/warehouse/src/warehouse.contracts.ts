import { z } from 'zod';
import { Quantity } from '@chaharsu/inventory/contracts';

/** Request/response schemas of the warehouse module (no server imports: the station screen uses them too). */

const DESCRIPTOR_LENGTH = 1024;
/** One face descriptor (Human faceres embedding); finite numbers only (JSON cannot carry NaN anyway). */
export const FaceDescriptor = z.array(z.number().finite()).length(DESCRIPTOR_LENGTH);

export const EmployeeCreate = z.object({
  full_name: z.string().trim().min(1).max(200),
  personnel_code: z.string().trim().min(1).max(50).nullable().default(null),
  phone: z.string().trim().max(30).nullable().default(null),
});
export type EmployeeCreate = z.infer<typeof EmployeeCreate>;
export const EmployeeUpdate = z.object({
  full_name: z.string().trim().min(1).max(200).optional(),
  personnel_code: z.string().trim().min(1).max(50).nullable().optional(),
  phone: z.string().trim().max(30).nullable().optional(),
  is_active: z.boolean().optional(),
});
export type EmployeeUpdate = z.infer<typeof EmployeeUpdate>;

export const EmployeeDto = z.object({
  id: z.string(),
  full_name: z.string(),
  personnel_code: z.string().nullable(),
  phone: z.string().nullable(),
  is_active: z.boolean(),
  face_enrolled: z.boolean(),
  face_frames: z.number().int().nullable(),
  face_enrolled_at: z.string().nullable(),
  created_at: z.string(),
  updated_at: z.string(),
});
export type EmployeeDto = z.infer<typeof EmployeeDto>;

export const EmployeeQuery = z.object({
  q: z.string().trim().max(100).optional(),
  active: z.enum(['true', 'false']).transform((v) => v === 'true').optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
});
export type EmployeeQuery = z.infer<typeof EmployeeQuery>;
export const EmployeePage = z.object({ items: z.array(EmployeeDto), total: z.number().int() });

/** 10–30 frames from the camera, as descriptors. The count is checked by the service to answer with a clear code. */
export const FaceEnrolment = z.object({ descriptors: z.array(z.array(z.number()).max(4096)).min(1).max(60) });
export type FaceEnrolment = z.infer<typeof FaceEnrolment>;
export const FaceEnrolmentResult = z.object({ employee: EmployeeDto, frames: z.number().int(), weakest_similarity: z.number() });

export const ChallengeKind = z.enum(['blink', 'turn_left', 'turn_right']);
export type ChallengeKind = z.infer<typeof ChallengeKind>;
export const FaceChallengeDto = z.object({
  challenge_id: z.string(),
  employee_id: z.string(),
  kind: ChallengeKind,
  /** The Human gesture strings that satisfy it (e.g. "blink left eye"). */
  accepted_gestures: z.array(z.string()),
  expires_at: z.string(),
});
export type FaceChallengeDto = z.infer<typeof FaceChallengeDto>;

export const FaceConfirmRequest = z.object({
  challenge_id: z.uuid(),
  descriptor: FaceDescriptor,
  liveness: z.object({
    /** The station saw the requested gesture, then a frontal face (from which `descriptor` was taken). */
    challenge_passed: z.boolean(),
    /** The Human gesture strings observed during the challenge. */
    observed_gestures: z.array(z.string().max(60)).max(100),
    /** Human's antispoof (`face.real`) and liveness (`face.live`) scores, recorded for review. */
    real_score: z.number().min(0).max(1).nullable().default(null),
    live_score: z.number().min(0).max(1).nullable().default(null),
  }),
});
export type FaceConfirmRequest = z.infer<typeof FaceConfirmRequest>;
export const FaceConfirmResult = z.object({
  employee_id: z.string(),
  confirmation_token: z.string(),
  similarity: z.number(),
  threshold: z.number(),
  expires_at: z.string(),
});
export type FaceConfirmResult = z.infer<typeof FaceConfirmResult>;

/** A receipt (in) or issue (out) at the station; the product by id or by a scanned code. */
export const StationMovementCreate = z.object({
  type: z.enum(['in', 'out']),
  item_id: z.uuid().optional(),
  barcode: z.string().trim().min(1).max(200).optional(),
  quantity: Quantity,
  warehouse_id: z.uuid(),
  employee_id: z.uuid(),
  face_confirmation_token: z.string().max(2000).nullable().optional(),
  note: z.string().trim().max(500).nullable().optional(),
  /** The station generates one per scan so a retried request does not move stock twice. */
  idempotency_key: z.string().min(8).max(200).optional(),
});
export type StationMovementCreate = z.infer<typeof StationMovementCreate>;

export const ReversalRequest = z.object({ reason: z.string().trim().min(3).max(500) });
export type ReversalRequest = z.infer<typeof ReversalRequest>;

export const HistoryQuery = z.object({
  product_id: z.uuid().optional(),
  item_id: z.uuid().optional(),
  warehouse_id: z.uuid().optional(),
  employee_id: z.uuid().optional(),
  user_id: z.uuid().optional(),
  type: z.enum(['in', 'out', 'transfer_out', 'transfer_in', 'adjust', 'reversal']).optional(),
  /** ISO instants; the station converts Jalali dates to them. */
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
});
export type HistoryQuery = z.infer<typeof HistoryQuery>;

export const BackupDto = z.object({ file_name: z.string(), size_bytes: z.number().int(), created_at: z.string() });
export type BackupDto = z.infer<typeof BackupDto>;
export const BackupList = z.object({ items: z.array(BackupDto), folder: z.string() });
export const BackupFileParams = z.object({ file_name: z.string().regex(/^chaharsu-[0-9TZ-]+(-[a-z]+)?\.sql$/) });

export { MoveResult, MovementDto } from '@chaharsu/inventory/contracts';
import { MovementDto as InventoryMovementDto } from '@chaharsu/inventory/contracts';
export const HistoryItem = InventoryMovementDto.extend({ employee_name: z.string().nullable() });
export const HistoryPage = z.object({ items: z.array(HistoryItem), total: z.number().int() });
