import { z } from 'zod';

/** Request/response schemas of the catalog (no server imports: the web client uses them too). */

const Name = z.string().trim().min(1).max(300);
const Code = z.string().trim().min(1).max(64);
const ScanValue = z.string().trim().min(1).max(200);

export const PriceLevelDto = z.object({ level: z.number().int().min(1).max(10), amount_rial: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER) });
export type PriceLevelDto = z.infer<typeof PriceLevelDto>;
/** Levels must be distinct (checked by the service: catalog.price_level_repeated). */
const Prices = z.array(PriceLevelDto).max(10);

export const CategoryDto = z.object({
  id: z.string(),
  parent_id: z.string().nullable(),
  name: z.string(),
  /** Ids from the root down to this category (inclusive). */
  path_ids: z.array(z.string()),
  depth: z.number().int(),
  sort_order: z.number().int(),
});
export type CategoryDto = z.infer<typeof CategoryDto>;
export const CategoryList = z.object({ items: z.array(CategoryDto) });

export const CategoryCreate = z.object({ name: z.string().trim().min(1).max(200), parent_id: z.uuid().nullable().default(null), sort_order: z.number().int().min(0).max(1_000_000).default(0) });
export type CategoryCreate = z.infer<typeof CategoryCreate>;
export const CategoryUpdate = z.object({ name: z.string().trim().min(1).max(200).optional(), sort_order: z.number().int().min(0).max(1_000_000).optional() });
export type CategoryUpdate = z.infer<typeof CategoryUpdate>;
export const CategoryMove = z.object({ parent_id: z.uuid().nullable() });
export type CategoryMove = z.infer<typeof CategoryMove>;

export const AttributeValueType = z.enum(['text', 'number', 'boolean', 'choice']);
export const AttributeDto = z.object({
  id: z.string(),
  category_id: z.string(),
  code: z.string(),
  name: z.string(),
  value_type: AttributeValueType,
  choices: z.array(z.string()),
  is_required: z.boolean(),
  sort_order: z.number().int(),
});
export type AttributeDto = z.infer<typeof AttributeDto>;
export const AttributeList = z.object({ items: z.array(AttributeDto) });
export const AttributeCreate = z.object({
  code: z.string().regex(/^[a-z][a-z0-9_]{0,63}$/),
  name: z.string().trim().min(1).max(200),
  value_type: AttributeValueType,
  choices: z.array(z.string().trim().min(1).max(100)).max(200).default([]),
  is_required: z.boolean().default(false),
  sort_order: z.number().int().min(0).max(1_000_000).default(0),
});
export type AttributeCreate = z.infer<typeof AttributeCreate>;

export const AttributeValue = z.union([z.string().max(1000), z.number(), z.boolean()]);
export const AttributeValueDto = z.object({ attribute_id: z.string(), code: z.string(), value: AttributeValue });
export type AttributeValueDto = z.infer<typeof AttributeValueDto>;

export const VariantDto = z.object({
  id: z.string(),
  product_id: z.string(),
  sku: z.string(),
  name: z.string(),
  option_values: z.record(z.string(), z.string()),
  is_active: z.boolean(),
  sort_order: z.number().int(),
  barcodes: z.array(z.string()),
  prices: z.array(PriceLevelDto),
});
export type VariantDto = z.infer<typeof VariantDto>;

export const ProductDto = z.object({
  id: z.string(),
  code: z.string(),
  name: z.string(),
  unit: z.string(),
  category_id: z.string().nullable(),
  is_active: z.boolean(),
  description: z.string().nullable(),
  barcodes: z.array(z.string()),
  prices: z.array(PriceLevelDto),
  attributes: z.array(AttributeValueDto),
  variants: z.array(VariantDto),
  created_at: z.string(),
  updated_at: z.string(),
});
export type ProductDto = z.infer<typeof ProductDto>;

export const ProductSummary = z.object({
  id: z.string(),
  code: z.string(),
  name: z.string(),
  unit: z.string(),
  category_id: z.string().nullable(),
  is_active: z.boolean(),
});
export type ProductSummary = z.infer<typeof ProductSummary>;

const OptionValues = z.record(z.string().trim().min(1).max(50), z.string().trim().min(1).max(100));
export const VariantCreate = z.object({
  sku: Code,
  name: Name,
  option_values: OptionValues.default({}),
  is_active: z.boolean().default(true),
  sort_order: z.number().int().min(0).max(1_000_000).default(0),
  barcodes: z.array(ScanValue).max(20).default([]),
  prices: Prices.default([]),
});
export type VariantCreate = z.infer<typeof VariantCreate>;
export const VariantUpdate = z.object({
  sku: Code.optional(),
  name: Name.optional(),
  option_values: OptionValues.optional(),
  is_active: z.boolean().optional(),
  sort_order: z.number().int().min(0).max(1_000_000).optional(),
  barcodes: z.array(ScanValue).max(20).optional(),
  prices: Prices.optional(),
});
export type VariantUpdate = z.infer<typeof VariantUpdate>;

const AttributeInputs = z.array(z.object({ attribute_id: z.uuid(), value: AttributeValue })).max(200);
export const ProductCreate = z.object({
  code: Code,
  name: Name,
  unit: z.string().trim().min(1).max(32),
  category_id: z.uuid().nullable().default(null),
  is_active: z.boolean().default(true),
  description: z.string().max(10_000).nullable().default(null),
  barcodes: z.array(ScanValue).max(20).default([]),
  prices: Prices.default([]),
  attributes: AttributeInputs.default([]),
  variants: z.array(VariantCreate).max(200).default([]),
});
export type ProductCreate = z.infer<typeof ProductCreate>;
export type ProductCreateInput = z.input<typeof ProductCreate>;

export const ProductUpdate = z.object({
  code: Code.optional(),
  name: Name.optional(),
  unit: z.string().trim().min(1).max(32).optional(),
  category_id: z.uuid().nullable().optional(),
  is_active: z.boolean().optional(),
  description: z.string().max(10_000).nullable().optional(),
  /** Replaces the product's own barcodes when given. */
  barcodes: z.array(ScanValue).max(20).optional(),
  /** Replaces the product's price levels when given. */
  prices: Prices.optional(),
  /** Replaces the attribute values when given. */
  attributes: AttributeInputs.optional(),
});
export type ProductUpdate = z.infer<typeof ProductUpdate>;

const bool = z.enum(['true', 'false']).transform((v) => v === 'true');
export const ProductListQuery = z.object({
  q: z.string().max(100).optional(),
  category_id: z.uuid().optional(),
  include_subcategories: bool.default(true),
  active: bool.optional(),
  limit: z.coerce.number().int().min(1).max(200).default(20),
  offset: z.coerce.number().int().min(0).max(10_000).default(0),
});
export type ProductListQuery = z.infer<typeof ProductListQuery>;
export const ProductSearchPage = z.object({ items: z.array(ProductSummary), next_offset: z.number().int().nullable() });
export type ProductSearchPage = z.infer<typeof ProductSearchPage>;

export const LookupQuery = z.object({ code: z.string().min(1).max(200) });
export const LookupResult = z.object({
  matched_by: z.enum(['barcode', 'product_code', 'variant_sku']),
  product: ProductDto,
  variant: VariantDto.nullable(),
  /** The stock-keeping item the code names: the variant's id, else the product's. */
  item_id: z.string(),
});
export type LookupResult = z.infer<typeof LookupResult>;

export const ImportMode = z.enum(['all_or_nothing', 'valid_rows']);
export const ImportJsonBody = z.object({
  /** The .xlsx file, base64 (the multipart route takes the file itself). */
  file_base64: z.string().min(1).max(8_000_000),
  mode: ImportMode.default('all_or_nothing'),
});
export const ImportRowError = z.object({ row: z.number().int(), column: z.string().nullable(), code: z.string(), params: z.record(z.string(), z.unknown()).optional() });
export type ImportRowError = z.infer<typeof ImportRowError>;
export const ImportReport = z.object({
  status: z.enum(['imported', 'rejected']),
  mode: ImportMode,
  total_rows: z.number().int(),
  created: z.number().int(),
  updated: z.number().int(),
  skipped: z.number().int(),
  errors: z.array(ImportRowError),
});
export type ImportReport = z.infer<typeof ImportReport>;
