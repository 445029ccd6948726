/**
 * The warehouse station over HTTP: catalog lookup/search, stock, employees and their faces, face challenges and
 * confirmations, movements (with the confirmation token), history, reversal, backups.
 * Types come from the server's zod contracts (types only: no server code reaches the bundle).
 */
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type {
  BackupDto, EmployeeCreate, EmployeeDto, EmployeeUpdate, FaceChallengeDto, FaceConfirmRequest, FaceConfirmResult, StationMovementCreate,
} from '@chaharsu/warehouse/contracts';
import type { LookupResult, ProductSummary } from '@chaharsu/catalog/contracts';
import type { MovementDto, MovementType, MoveResult, StockLevelDto } from '@chaharsu/inventory/contracts';
import { api, queryString } from '../../lib/api';

export type {
  BackupDto, EmployeeDto, FaceChallengeDto, FaceConfirmRequest, FaceConfirmResult, LookupResult, MovementDto, MovementType, MoveResult, ProductSummary, StockLevelDto,
};
export type EmployeeInput = Pick<EmployeeCreate, 'full_name'> & { personnel_code: string | null; phone: string | null };
export type HistoryItem = MovementDto & { employee_name: string | null };
export interface Paged<T> { items: T[]; total: number }
export type StationMovementInput = Omit<StationMovementCreate, 'quantity'> & { quantity: number };
export interface WarehouseOption { id: string; name: string; branch_name: string; is_default: boolean }

const enc = encodeURIComponent;

export function lookupCode(code: string): Promise<LookupResult> {
  return api.get<LookupResult>(`/api/catalog/lookup${queryString({ code })}`);
}

export function useProductSearch(q: string) {
  return useQuery({
    queryKey: ['catalog', 'products', q],
    queryFn: () => api.get<{ items: ProductSummary[]; next_offset: number | null }>(`/api/catalog/products${queryString({ q, limit: 20, active: 'true' })}`),
    enabled: q.trim().length > 0,
    placeholderData: keepPreviousData,
  });
}

export function useProduct(id: string | null) {
  return useQuery({
    queryKey: ['catalog', 'product', id],
    queryFn: () => api.get<LookupResult['product']>(`/api/catalog/products/${enc(id ?? '')}`),
    enabled: Boolean(id),
  });
}

/** Stock of one item in one warehouse (0 rows: never moved there). */
export function useStockOf(warehouse_id: string | null, item_id: string | null) {
  return useQuery({
    queryKey: ['inventory', 'stock', warehouse_id, item_id],
    queryFn: () => api.get<Paged<StockLevelDto>>(`/api/inventory/stock${queryString({ warehouse_id, item_id, limit: 1 })}`),
    enabled: Boolean(warehouse_id && item_id),
  });
}

interface BranchRow { id: string; name: string; active: boolean }
interface WarehouseRow { id: string; name: string; active: boolean; is_default: boolean }

/** The organisation's active warehouses with their branch names (needs `org.read`). */
export function useWarehouseOptions() {
  return useQuery({
    queryKey: ['warehouse', 'options'],
    queryFn: async (): Promise<WarehouseOption[]> => {
      const branches = await api.get<{ items: BranchRow[] }>('/api/org/branches');
      const lists = await Promise.all(branches.items.filter((b) => b.active).map(async (b) => {
        const rows = await api.get<{ items: WarehouseRow[] }>(`/api/org/branches/${enc(b.id)}/warehouses`);
        return rows.items.filter((w) => w.active).map((w) => ({ id: w.id, name: w.name, branch_name: b.name, is_default: w.is_default }));
      }));
      return lists.flat();
    },
    staleTime: 5 * 60_000,
  });
}

const employeesKey = ['warehouse', 'employees'] as const;

export function useEmployees(params: { q?: string; active?: boolean; limit?: number; offset?: number } = {}) {
  return useQuery({
    queryKey: [...employeesKey, params],
    queryFn: () => api.get<Paged<EmployeeDto>>(`/api/warehouse/employees${queryString({ q: params.q, active: params.active, limit: params.limit ?? 200, offset: params.offset })}`),
    placeholderData: keepPreviousData,
  });
}

export function useSaveEmployee() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ id, input }: { id: string | null; input: EmployeeInput | EmployeeUpdate }) =>
      id ? api.patch<EmployeeDto>(`/api/warehouse/employees/${enc(id)}`, input) : api.post<EmployeeDto>('/api/warehouse/employees', input),
    onSuccess: () => client.invalidateQueries({ queryKey: employeesKey }),
  });
}

export function useEnrolFace() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ id, descriptors }: { id: string; descriptors: number[][] }) =>
      api.put<{ employee: EmployeeDto; frames: number; weakest_similarity: number }>(`/api/warehouse/employees/${enc(id)}/face`, { descriptors }),
    onSuccess: () => client.invalidateQueries({ queryKey: employeesKey }),
  });
}

export function useRemoveFace() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api.delete<EmployeeDto>(`/api/warehouse/employees/${enc(id)}/face`),
    onSuccess: () => client.invalidateQueries({ queryKey: employeesKey }),
  });
}

export function requestFaceChallenge(employee_id: string): Promise<FaceChallengeDto> {
  return api.post<FaceChallengeDto>(`/api/warehouse/employees/${enc(employee_id)}/face/challenge`);
}

export function confirmFace(employee_id: string, body: FaceConfirmRequest): Promise<FaceConfirmResult> {
  return api.post<FaceConfirmResult>(`/api/warehouse/employees/${enc(employee_id)}/face/confirm`, body);
}

const historyKey = ['warehouse', 'history'] as const;

export interface HistoryFilter {
  product_id?: string;
  employee_id?: string;
  user_id?: string;
  warehouse_id?: string;
  type?: MovementType;
  from?: string;
  to?: string;
  limit: number;
  offset: number;
}

export function useHistory(filter: HistoryFilter, refetch_ms?: number) {
  return useQuery({
    queryKey: [...historyKey, filter],
    queryFn: () => api.get<Paged<HistoryItem>>(`/api/warehouse/movements${queryString({ ...filter })}`),
    placeholderData: keepPreviousData,
    refetchInterval: refetch_ms,
  });
}

export function useRecordMovement() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (input: StationMovementInput) => api.post<MoveResult>('/api/warehouse/movements', input),
    onSuccess: () => {
      void client.invalidateQueries({ queryKey: historyKey });
      void client.invalidateQueries({ queryKey: ['inventory', 'stock'] });
    },
  });
}

export function useReverseMovement() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ id, reason }: { id: string; reason: string }) => api.post<MoveResult>(`/api/warehouse/movements/${enc(id)}/reversal`, { reason }),
    onSuccess: () => {
      void client.invalidateQueries({ queryKey: historyKey });
      void client.invalidateQueries({ queryKey: ['inventory', 'stock'] });
    },
  });
}

const backupsKey = ['warehouse', 'backups'] as const;

export function useBackups() {
  return useQuery({ queryKey: backupsKey, queryFn: () => api.get<{ items: BackupDto[]; folder: string }>('/api/warehouse/backups'), retry: false });
}

export function useCreateBackup() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: () => api.post<BackupDto>('/api/warehouse/backups'),
    onSuccess: () => client.invalidateQueries({ queryKey: backupsKey }),
  });
}

export function backupDownloadUrl(file_name: string): string {
  return `/api/warehouse/backups/${enc(file_name)}`;
}

/** Names of the organisation's people (for the history's user column and filter; needs `org.staff.read`). */
export function useStaffNames(enabled: boolean) {
  return useQuery({
    queryKey: ['warehouse', 'staff-names'],
    queryFn: async () => {
      const members = await api.get<{ items: Array<{ user_id: string; display_name: string | null; phone: string }> }>('/api/org/members');
      return members.items;
    },
    enabled,
    staleTime: 5 * 60_000,
  });
}
