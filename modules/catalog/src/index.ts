import type { Ctx, ModuleDefinition } from '@chaharsu/http';
import type { AuditApi } from '@chaharsu/audit';
import { catalogMigrations } from './migrations/index.js';
import { catalogRoutes } from './catalog.routes.js';
import { createCategoryService, toAttributeDto } from './category.service.js';
import { createProductService, type CatalogItem } from './product.service.js';
import { createImportService } from './import.service.js';
import { createCatalogEventBus, type CatalogEvents } from './catalog.events.js';
import { seedCatalogDemo } from './seed.js';
import type {
  AttributeCreate, AttributeDto, CategoryCreate, CategoryDto, CategoryMove, CategoryUpdate, ImportReport, LookupResult, ProductCreate,
  ProductCreateInput, ProductDto, ProductListQuery, ProductSearchPage, ProductUpdate, VariantCreate, VariantDto, VariantUpdate,
} from './catalog.contracts.js';
import { ProductCreate as ProductCreateSchema } from './catalog.contracts.js';

export * from './catalog.contracts.js';
export { CatalogErrors } from './catalog.errors.js';
export { CatalogPermissions } from './catalog.permissions.js';
export { normaliseCode } from './codes.js';
export type { CatalogItem } from './product.service.js';
export type { CatalogEvents, CatalogItemRef } from './catalog.events.js';

/** The catalog's public API: every method runs in the caller's transaction (`ctx.db`). */
export interface CatalogApi {
  events: CatalogEvents;
  listCategories(ctx: Ctx): Promise<CategoryDto[]>;
  createCategory(ctx: Ctx, input: CategoryCreate): Promise<CategoryDto>;
  updateCategory(ctx: Ctx, id: string, input: CategoryUpdate): Promise<CategoryDto>;
  moveCategory(ctx: Ctx, id: string, input: CategoryMove): Promise<CategoryDto>;
  deleteCategory(ctx: Ctx, id: string): Promise<void>;
  categoryAttributes(ctx: Ctx, category_id: string): Promise<AttributeDto[]>;
  createAttribute(ctx: Ctx, category_id: string, input: AttributeCreate): Promise<AttributeDto>;
  /** Validates `input` with the ProductCreate schema (defaults applied) before creating. */
  createProduct(ctx: Ctx, input: ProductCreateInput): Promise<ProductDto>;
  getProduct(ctx: Ctx, id: string): Promise<ProductDto>;
  updateProduct(ctx: Ctx, id: string, input: ProductUpdate): Promise<ProductDto>;
  deleteProduct(ctx: Ctx, id: string): Promise<void>;
  addVariant(ctx: Ctx, product_id: string, input: VariantCreate): Promise<VariantDto>;
  updateVariant(ctx: Ctx, product_id: string, variant_id: string, input: VariantUpdate): Promise<VariantDto>;
  deleteVariant(ctx: Ctx, product_id: string, variant_id: string): Promise<void>;
  /** Exact lookup of a scanned/typed code (barcode/QR, product code, variant SKU); `catalog.code_not_found` 404 otherwise. */
  lookup(ctx: Ctx, code: string): Promise<LookupResult>;
  /** The same tiers, answering only which item the code names (what a movement needs; no product details read). */
  resolveCode(ctx: Ctx, code: string): Promise<{ matched_by: LookupResult['matched_by']; item_id: string; product_id: string; variant_id: string | null }>;
  search(ctx: Ctx, query: ProductListQuery): Promise<ProductSearchPage>;
  /** Stock-keeping items by id (product id for products without variants, variant id otherwise). */
  getItems(ctx: Ctx, item_ids: string[]): Promise<Map<string, CatalogItem>>;
  importProducts(ctx: Ctx, file: Buffer, mode: 'all_or_nothing' | 'valid_rows'): Promise<ImportReport>;
  exportProducts(ctx: Ctx): Promise<Buffer>;
  /** Demo data for one organisation (called by the demo seed with a system context). */
  seedDemo(ctx: Ctx, code_prefix: string): Promise<ProductDto[]>;
}

export function createCatalogModule(deps: { audit: AuditApi }): ModuleDefinition & { api: CatalogApi } {
  const events = createCatalogEventBus();
  const categories = createCategoryService(deps.audit);
  const products = createProductService(deps.audit, categories, events);
  const imports = createImportService(deps.audit, products, events);
  const api: CatalogApi = {
    events,
    listCategories: categories.list,
    createCategory: categories.create,
    updateCategory: categories.update,
    moveCategory: categories.move,
    deleteCategory: categories.remove,
    categoryAttributes: async (ctx, category_id) => (await categories.effectiveAttributes(ctx, category_id)).map(toAttributeDto),
    createAttribute: categories.createAttribute,
    createProduct: (ctx, input: ProductCreateInput) => products.create(ctx, ProductCreateSchema.parse(input) as ProductCreate),
    getProduct: products.get,
    updateProduct: products.update,
    deleteProduct: products.remove,
    addVariant: products.addVariant,
    updateVariant: products.updateVariant,
    deleteVariant: products.removeVariant,
    lookup: products.lookup,
    resolveCode: products.resolveCode,
    search: products.search,
    getItems: products.getItems,
    importProducts: imports.importProducts,
    exportProducts: imports.exportProducts,
    seedDemo: (ctx, prefix) => seedCatalogDemo(ctx, { categories, products }, prefix),
  };
  return { name: 'catalog', api, migrations: catalogMigrations, routes: catalogRoutes({ categories, products, imports }) };
}
