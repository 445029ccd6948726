import type { Ctx } from '@chaharsu/http';
import type { CategoryService } from './category.service.js';
import type { ProductService } from './product.service.js';
import type { ProductDto } from './catalog.contracts.js';

/**
 * Demo catalogue for one organisation: a small category tree with an attribute, products with
 * barcodes and price levels, and a product with variants. `prefix` keeps codes distinct per org.
 */
export async function seedCatalogDemo(ctx: Ctx, services: { categories: CategoryService; products: ProductService }, prefix: string): Promise<ProductDto[]> {
  const { categories, products } = services;
  const food = await categories.create(ctx, { name: 'مواد غذایی', parent_id: null, sort_order: 0 });
  const dairy = await categories.create(ctx, { name: 'لبنیات', parent_id: food.id, sort_order: 0 });
  const clothing = await categories.create(ctx, { name: 'پوشاک', parent_id: null, sort_order: 1 });
  const size = await categories.createAttribute(ctx, clothing.id, { code: 'material', name: 'جنس', value_type: 'text', choices: [], is_required: false, sort_order: 0 });
  const created: ProductDto[] = [];
  created.push(await products.create(ctx, {
    code: `${prefix}-1001`, name: 'شیر کم‌چرب یک لیتری', unit: 'عدد', category_id: dairy.id, is_active: true, description: null,
    barcodes: [`62612${prefix.length}0001001`], prices: [{ level: 1, amount_rial: 450_000 }, { level: 2, amount_rial: 430_000 }], attributes: [], variants: [],
  }));
  created.push(await products.create(ctx, {
    code: `${prefix}-1002`, name: 'ماست پرچرب ۹۰۰ گرمی', unit: 'عدد', category_id: dairy.id, is_active: true, description: null,
    barcodes: [`62612${prefix.length}0001002`], prices: [{ level: 1, amount_rial: 780_000 }], attributes: [], variants: [],
  }));
  created.push(await products.create(ctx, {
    code: `${prefix}-2001`, name: 'تی‌شرت نخی', unit: 'عدد', category_id: clothing.id, is_active: true, description: null,
    barcodes: [], prices: [{ level: 1, amount_rial: 3_500_000 }], attributes: [{ attribute_id: size.id, value: 'نخ پنبه' }],
    variants: [
      { sku: `${prefix}-2001-M`, name: 'متوسط', option_values: { size: 'M' }, is_active: true, sort_order: 0, barcodes: [`62612${prefix.length}0002011`], prices: [{ level: 1, amount_rial: 3_500_000 }] },
      { sku: `${prefix}-2001-L`, name: 'بزرگ', option_values: { size: 'L' }, is_active: true, sort_order: 1, barcodes: [`62612${prefix.length}0002012`], prices: [{ level: 1, amount_rial: 3_700_000 }] },
    ],
  }));
  return created;
}
