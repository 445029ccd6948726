import { z } from 'zod';

/** Request/response schemas of inventory (no server imports: the web client uses them too). */

const MAX_QUANTITY = 1_000_000_000;
const digits = (v: unknown): unknown => (typeof v === 'string' ? Number(v.replace(/[۰-۹]/g, (d) => String('۰۱۲۳۴۵۶۷۸۹'.indexOf(d))).replace(/[٠-٩]/g, (d) => String('٠١٢٣٤٥٦٧٨٩'.indexOf(d))).replace(/[,٬\s]/g, '').replace('٫', '.')) : v);
const threeDecimals = (v: number): boolean => Math.abs(Math.round(v * 1000) - v * 1000) < 1e-6;

/** A quantity in the item's unit: positive, at most three decimals (grams of a kilogram). */
export const Quantity = z.preprocess(digits, z.number().positive().max(MAX_QUANTITY).refine(threeDecimals, { message: 'at most three decimals' }));
export const SignedQuantity = z.preprocess(digits, z.number().min(-MAX_QUANTITY).max(MAX_QUANTITY).refine((v) => v !== 0, { message: 'must not be zero' }).refine(threeDecimals, { message: 'at most three decimals' }));
export const NonNegativeQuantity = z.preprocess(digits, z.number().min(0).max(MAX_QUANTITY).refine(threeDecimals, { message: 'at most three decimals' }));

const Common = {
  reason: z.string().trim().min(1).max(500).optional(),
  reference_type: z.string().regex(/^[a-z_]{1,40}$/).optional(),
  reference_id: z.string().trim().min(1).max(100).optional(),
  /** A retry with the same key returns the first result instead of moving stock twice. */
  idempotency_key: z.string().min(8).max(200).optional(),
};

export const MovementCreate = z.discriminatedUnion('type', [
  z.object({ type: z.literal('in'), warehouse_id: z.uuid(), item_id: z.uuid(), quantity: Quantity, ...Common }),
  z.object({ type: z.literal('out'), warehouse_id: z.uuid(), item_id: z.uuid(), quantity: Quantity, ...Common }),
  /** Two different warehouses (checked by the service: inventory.transfer_same_warehouse). */
  z.object({ type: z.literal('transfer'), from_warehouse_id: z.uuid(), to_warehouse_id: z.uuid(), item_id: z.uuid(), quantity: Quantity, ...Common }),
]);
export type MovementCreate = z.infer<typeof MovementCreate>;

/** A stock count or a correction: exactly one of the counted quantity or the signed change (checked by the service). */
export const AdjustmentCreate = z.object({
  warehouse_id: z.uuid(),
  item_id: z.uuid(),
  counted_quantity: NonNegativeQuantity.optional(),
  quantity_delta: SignedQuantity.optional(),
  reason: z.string().trim().min(1).max(500),
  reference_type: Common.reference_type,
  reference_id: Common.reference_id,
  idempotency_key: Common.idempotency_key,
});
export type AdjustmentCreate = z.infer<typeof AdjustmentCreate>;

export const ReversalCreate = z.object({ reason: z.string().trim().min(1).max(500), idempotency_key: Common.idempotency_key });
export type ReversalCreate = z.infer<typeof ReversalCreate>;

export const MovementType = z.enum(['in', 'out', 'transfer_out', 'transfer_in', 'adjust', 'reversal']);
export type MovementType = z.infer<typeof MovementType>;

export const MovementDto = z.object({
  id: z.string(),
  created_at: z.string(),
  type: MovementType,
  warehouse_id: z.string(),
  item_id: z.string(),
  product_id: z.string(),
  variant_id: z.string().nullable(),
  quantity_delta: z.number(),
  quantity_after: z.number(),
  counter_warehouse_id: z.string().nullable(),
  transfer_id: z.string().nullable(),
  reverses_movement_id: z.string().nullable(),
  /** The reversal of this movement, when there is one. */
  reversed_by_movement_id: z.string().nullable(),
  user_id: z.string().nullable(),
  employee_id: z.string().nullable(),
  actor_kind: z.string(),
  reason: z.string().nullable(),
  reference_type: z.string().nullable(),
  reference_id: z.string().nullable(),
});
export type MovementDto = z.infer<typeof MovementDto>;

export const MoveResult = z.object({
  movements: z.array(MovementDto),
  /** True when an earlier request with the same idempotency key had already done this. */
  replayed: z.boolean(),
});
export type MoveResult = z.infer<typeof MoveResult>;

export const MovementQuery = z.object({
  product_id: z.uuid().optional(),
  item_id: z.uuid().optional(),
  warehouse_id: z.uuid().optional(),
  user_id: z.uuid().optional(),
  employee_id: z.uuid().optional(),
  type: MovementType.optional(),
  reference_type: z.string().regex(/^[a-z_]{1,40}$/).optional(),
  reference_id: z.string().max(100).optional(),
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
});
export type MovementQuery = z.infer<typeof MovementQuery>;
/** `total` counts at most 10,000 movements; `total_capped` says there are more (narrow the filters). */
export const MovementPage = z.object({ items: z.array(MovementDto), total: z.number().int(), total_capped: z.boolean() });
export type MovementPage = z.infer<typeof MovementPage>;

export const StockLevelDto = z.object({
  warehouse_id: z.string(),
  item_id: z.string(),
  product_id: z.string(),
  variant_id: z.string().nullable(),
  code: z.string(),
  name: z.string(),
  unit: z.string(),
  quantity: z.number(),
  /** The minimum in force here: the warehouse's own, else the item's global one. */
  min_quantity: z.number().nullable(),
  min_quantity_override: z.number().nullable(),
  last_movement_at: z.string().nullable(),
  updated_at: z.string(),
});
export type StockLevelDto = z.infer<typeof StockLevelDto>;

export const StockQuery = z.object({
  warehouse_id: z.uuid().optional(),
  product_id: z.uuid().optional(),
  item_id: z.uuid().optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
});
export type StockQuery = z.infer<typeof StockQuery>;
export const StockListQuery = z.object({
  warehouse_id: z.uuid().optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
});
export type StockListQuery = z.infer<typeof StockListQuery>;
export const StockPage = z.object({ items: z.array(StockLevelDto), total: z.number().int() });
export type StockPage = z.infer<typeof StockPage>;

export const MinimumBody = z.object({ min_quantity: NonNegativeQuantity.nullable() });
export type MinimumBody = z.infer<typeof MinimumBody>;
export const ItemMinimumDto = z.object({ item_id: z.string(), min_quantity: z.number().nullable() });
