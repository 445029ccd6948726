/** Row shapes of the inventory schema. numeric columns arrive as strings (exact). */
export interface StockLevelRow {
  org_id: string; warehouse_id: string; item_id: string; product_id: string; variant_id: string | null;
  quantity: string; min_quantity: string | null; min_quantity_override: string | null; low_notified_at: Date | null;
  movement_count: bigint; last_movement_at: Date | null; created_at: Date; updated_at: Date;
}
export interface MovementRow {
  org_id: string; id: string; created_at: Date; type: 'in' | 'out' | 'transfer_out' | 'transfer_in' | 'adjust' | 'reversal';
  warehouse_id: string; item_id: string; product_id: string; variant_id: string | null;
  quantity_delta: string; quantity_after: string; counter_warehouse_id: string | null; transfer_id: string | null;
  reverses_movement_id: string | null; user_id: string | null; employee_id: string | null; actor_kind: string; actor_id: string | null;
  reason: string | null; reference_type: string | null; reference_id: string | null; idempotency_key: string | null;
}
export type NewMovementRow = Omit<MovementRow, 'created_at'>;
