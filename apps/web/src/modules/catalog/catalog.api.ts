/** Catalog: categories (tree), their attributes, products with barcodes/prices/variants, Excel import/export. */
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, queryString } from '../../lib/api';
import type {
  AttributeCreate, AttributeDto, CategoryDto, ImportReport, ProductCreateInput, ProductDto, ProductSearchPage, ProductUpdate, VariantCreate, VariantDto, VariantUpdate,
} from '@chaharsu/catalog/contracts';

export type { AttributeDto, CategoryDto, ImportReport, ProductDto, ProductSummary, VariantDto, PriceLevelDto, ImportRowError } from '@chaharsu/catalog/contracts';

const categoriesKey = ['catalog', 'categories'] as const;
const productsKey = ['catalog', 'products'] as const;

export function useCategories() {
  return useQuery({ queryKey: categoriesKey, queryFn: () => api.get<{ items: CategoryDto[] }>('/api/catalog/categories'), staleTime: 30_000 });
}

function useInvalidate(key: readonly string[]) {
  const client = useQueryClient();
  return () => client.invalidateQueries({ queryKey: key });
}

export function useSaveCategory() {
  const invalidate = useInvalidate(categoriesKey);
  return useMutation({
    mutationFn: ({ id, name, parent_id }: { id: string | null; name: string; parent_id: string | null }) =>
      id ? api.patch<CategoryDto>(`/api/catalog/categories/${id}`, { name }) : api.post<CategoryDto>('/api/catalog/categories', { name, parent_id }),
    onSuccess: invalidate,
  });
}

export function useMoveCategory() {
  const invalidate = useInvalidate(categoriesKey);
  return useMutation({ mutationFn: ({ id, parent_id }: { id: string; parent_id: string | null }) => api.post<CategoryDto>(`/api/catalog/categories/${id}/move`, { parent_id }), onSuccess: invalidate });
}

export function useDeleteCategory() {
  const invalidate = useInvalidate(categoriesKey);
  return useMutation({ mutationFn: (id: string) => api.delete(`/api/catalog/categories/${id}`), onSuccess: invalidate });
}

/** The attributes a product of this category gets: its own and every ancestor's. */
export function useCategoryAttributes(category_id: string | null) {
  return useQuery({
    queryKey: ['catalog', 'attributes', category_id],
    queryFn: () => api.get<{ items: AttributeDto[] }>(`/api/catalog/categories/${category_id}/attributes`),
    enabled: Boolean(category_id),
  });
}

export function useCreateAttribute(category_id: string) {
  const invalidate = useInvalidate(['catalog', 'attributes']);
  return useMutation({ mutationFn: (input: AttributeCreate) => api.post<AttributeDto>(`/api/catalog/categories/${category_id}/attributes`, input), onSuccess: invalidate });
}

export function useDeleteAttribute() {
  const invalidate = useInvalidate(['catalog', 'attributes']);
  return useMutation({ mutationFn: (id: string) => api.delete(`/api/catalog/attributes/${id}`), onSuccess: invalidate });
}

export interface ProductFilters {
  q: string;
  category_id: string | null;
  active: 'all' | 'true' | 'false';
  limit: number;
  offset: number;
}

export function useProductSearch(filters: ProductFilters) {
  return useQuery({
    queryKey: [...productsKey, 'search', filters],
    queryFn: ({ signal }) =>
      api.get<ProductSearchPage>(
        `/api/catalog/products${queryString({ q: filters.q.trim(), category_id: filters.category_id, active: filters.active === 'all' ? undefined : filters.active, limit: filters.limit, offset: filters.offset })}`,
        { signal },
      ),
    placeholderData: keepPreviousData,
  });
}

export function useProduct(id: string | null) {
  return useQuery({ queryKey: [...productsKey, id], queryFn: () => api.get<ProductDto>(`/api/catalog/products/${id}`), enabled: Boolean(id) });
}

export function useSaveProduct() {
  const invalidate = useInvalidate(productsKey);
  return useMutation({
    mutationFn: ({ id, create, update }: { id: string | null; create: ProductCreateInput; update: ProductUpdate }) =>
      id ? api.patch<ProductDto>(`/api/catalog/products/${id}`, update) : api.post<ProductDto>('/api/catalog/products', create),
    onSuccess: invalidate,
  });
}

export function useDeleteProduct() {
  const invalidate = useInvalidate(productsKey);
  return useMutation({ mutationFn: (id: string) => api.delete(`/api/catalog/products/${id}`), onSuccess: invalidate });
}

export function useSaveVariant(product_id: string) {
  const invalidate = useInvalidate(productsKey);
  return useMutation({
    mutationFn: ({ id, create, update }: { id: string | null; create: Partial<VariantCreate> & { sku: string; name: string }; update: VariantUpdate }) =>
      id ? api.patch<VariantDto>(`/api/catalog/products/${product_id}/variants/${id}`, update) : api.post<VariantDto>(`/api/catalog/products/${product_id}/variants`, create),
    onSuccess: invalidate,
  });
}

export function useDeleteVariant(product_id: string) {
  const invalidate = useInvalidate(productsKey);
  return useMutation({ mutationFn: (id: string) => api.delete(`/api/catalog/products/${product_id}/variants/${id}`), onSuccess: invalidate });
}

export function useImportProducts() {
  const invalidate = useInvalidate(productsKey);
  return useMutation({
    mutationFn: (input: { file_base64: string; mode: 'all_or_nothing' | 'valid_rows' }) => api.post<ImportReport>('/api/catalog/import', input),
    onSuccess: invalidate,
  });
}

export const EXPORT_URL = '/api/catalog/export';
