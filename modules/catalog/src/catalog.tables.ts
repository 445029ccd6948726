/** Row shapes of the catalog schema (Kysely returns these; services turn them into DTOs). */
export interface CategoryRow {
  org_id: string; id: string; parent_id: string | null; name: string; path: string; depth: number; sort_order: number;
  created_at: Date; updated_at: Date;
}
export interface AttributeRow {
  org_id: string; id: string; category_id: string; code: string; name: string; value_type: 'text' | 'number' | 'boolean' | 'choice';
  choices: string[]; is_required: boolean; sort_order: number;
}
export interface ProductRow {
  org_id: string; id: string; code: string; code_normalised: string; name: string; unit: string; category_id: string | null;
  is_active: boolean; description: string | null; search_text: string; created_at: Date; updated_at: Date;
}
export interface VariantRow {
  org_id: string; id: string; product_id: string; sku: string; sku_normalised: string; name: string;
  option_values: Record<string, string>; is_active: boolean; sort_order: number; created_at: Date; updated_at: Date;
}
export interface BarcodeRow { org_id: string; code_normalised: string; code: string; product_id: string; variant_id: string | null }
export interface PriceRow { org_id: string; item_id: string; level: number; product_id: string; amount_rial: bigint }
export interface AttributeValueRow { org_id: string; product_id: string; attribute_id: string; value: string | number | boolean }
