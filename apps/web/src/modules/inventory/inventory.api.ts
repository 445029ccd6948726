/** Inventory reports (levels per warehouse, movements, low and negative stock), minimums, and my notifications. */
import { keepPreviousData, useMutation, useQueries, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, queryString } from '../../lib/api';
import type { MovementPage, MovementType, StockLevelDto, StockPage } from '@chaharsu/inventory/contracts';
import type { NotificationDto, NotificationPage } from '@chaharsu/notify/contracts';
import type { Branch, Warehouse } from '../orgs/orgs.api';

export type { MovementDto, MovementType, StockLevelDto } from '@chaharsu/inventory/contracts';
export type { NotificationDto } from '@chaharsu/notify/contracts';

export const MOVEMENT_TYPES: MovementType[] = ['in', 'out', 'transfer_out', 'transfer_in', 'adjust', 'reversal'];

export interface WarehouseChoice extends Warehouse {
  branch_name: string;
}

/** Every warehouse of every branch (GET /api/org/branches, then each branch's warehouses). */
export function useAllWarehouses(): { items: WarehouseChoice[]; loading: boolean } {
  const branches = useQuery({ queryKey: ['org', 'branches'], queryFn: () => api.get<{ items: Branch[] }>('/api/org/branches') });
  const list = branches.data?.items ?? [];
  const warehouses = useQueries({
    queries: list.map((b) => ({
      queryKey: ['org', 'branches', b.id, 'warehouses'],
      queryFn: () => api.get<{ items: Warehouse[] }>(`/api/org/branches/${b.id}/warehouses`),
    })),
  });
  const items = warehouses.flatMap((q, i) => (q.data?.items ?? []).map((w) => ({ ...w, branch_name: list[i]?.name ?? '' })));
  return { items, loading: branches.isPending || warehouses.some((q) => q.isPending) };
}

export type StockReport = 'levels' | 'low' | 'negative';

export function useStock(report: StockReport, filters: { warehouse_id: string | null; limit: number; offset: number }) {
  const path = report === 'levels' ? '/api/inventory/stock' : `/api/inventory/stock/${report}`;
  return useQuery({
    queryKey: ['inventory', 'stock', report, filters],
    queryFn: () => api.get<StockPage>(`${path}${queryString({ warehouse_id: filters.warehouse_id, limit: filters.limit, offset: filters.offset })}`),
    placeholderData: keepPreviousData,
  });
}

/** A product's stock rows in every warehouse (the product form shows and sets minimums from them). */
export function useProductStock(product_id: string | null) {
  return useQuery({
    queryKey: ['inventory', 'stock', 'product', product_id],
    queryFn: () => api.get<StockPage>(`/api/inventory/stock${queryString({ product_id, limit: 500 })}`),
    enabled: Boolean(product_id),
  });
}

/**
 * The item-wide minimum of an item, read from its stock rows: a row without a warehouse override shows
 * the item-wide value. Null when none is set (or every warehouse overrides it).
 */
export function itemMinimum(rows: StockLevelDto[], item_id: string): number | null {
  const plain = rows.find((r) => r.item_id === item_id && r.min_quantity_override === null);
  return plain?.min_quantity ?? null;
}

export function useSetItemMinimum() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ item_id, min_quantity }: { item_id: string; min_quantity: number | null }) => api.put(`/api/inventory/items/${item_id}/minimum`, { min_quantity }),
    onSuccess: () => client.invalidateQueries({ queryKey: ['inventory', 'stock'] }),
  });
}

export function useSetWarehouseMinimum() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ warehouse_id, item_id, min_quantity }: { warehouse_id: string; item_id: string; min_quantity: number | null }) =>
      api.put<StockLevelDto>(`/api/inventory/warehouses/${warehouse_id}/items/${item_id}/minimum`, { min_quantity }),
    onSuccess: () => client.invalidateQueries({ queryKey: ['inventory', 'stock'] }),
  });
}

export interface MovementFilters {
  product_id: string | null;
  warehouse_id: string | null;
  type: MovementType | null;
  user_id: string | null;
  from?: string;
  to?: string;
  limit: number;
  offset: number;
}

export function useMovements(filters: MovementFilters) {
  return useQuery({
    queryKey: ['inventory', 'movements', filters],
    queryFn: () => api.get<MovementPage>(`/api/inventory/movements${queryString({ ...filters })}`),
    placeholderData: keepPreviousData,
  });
}

const notificationsKey = ['me', 'notifications'] as const;

export function useNotifications(filters: { unread_only: boolean; limit: number; offset: number }) {
  return useQuery({
    queryKey: [...notificationsKey, filters],
    queryFn: () => api.get<NotificationPage>(`/api/me/notifications${queryString({ unread_only: filters.unread_only, limit: filters.limit, offset: filters.offset })}`),
    placeholderData: keepPreviousData,
    refetchInterval: 30_000,
  });
}

export function useMarkNotificationRead() {
  const client = useQueryClient();
  return useMutation({ mutationFn: (id: string) => api.post<NotificationDto>(`/api/me/notifications/${id}/read`), onSuccess: () => client.invalidateQueries({ queryKey: notificationsKey }) });
}

export function useMarkAllNotificationsRead() {
  const client = useQueryClient();
  return useMutation({ mutationFn: () => api.post<{ marked: number }>('/api/me/notifications/read-all', {}), onSuccess: () => client.invalidateQueries({ queryKey: notificationsKey }) });
}
