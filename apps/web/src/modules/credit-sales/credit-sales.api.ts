/**
 * Credit sales over HTTP: the seller portal (/api/credit-sales/portal/*, a person linked to a seller)
 * and the administration (sellers, the requests queue, corrections, the reconcile report).
 * Types come from the server's zod contracts (types only: no server code reaches the bundle).
 * Amounts are integer Rial numbers, as the server sends them.
 */
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type {
  ApiKeyDto, ChargeListItem, CorrectionDto, CreditRequestDto, SellerDto,
} from '@chaharsu/credit-sales/contracts';
import type { ReconcileReport, Statement } from '@chaharsu/ledger/contracts';
import { api, ProblemError, queryString } from '../../lib/api';

export type { ApiKeyDto, ChargeListItem, CorrectionDto, CreditRequestDto, ReconcileReport, SellerDto, Statement };
export type StatementLine = Statement['items'][number];
export type CreditRequestStatus = CreditRequestDto['status'];
export type SellerStatus = SellerDto['status'];
export interface Paged<T> { items: T[]; total: number }
export interface NewApiKey extends ApiKeyDto { key: string }
export interface ReceiptUpload { content_type: 'image/png' | 'image/jpeg' | 'application/pdf'; data_base64: string }
export interface CreditRequestInput { amount_rial: number; note: string | null; receipt: ReceiptUpload | null }
export interface SellerInput { name: string; contact_phone: string | null }
export interface SellerUpdate { name?: string; contact_phone?: string | null; status?: SellerStatus }
export interface CorrectionInput { direction: 'increase' | 'decrease'; amount_rial: number; reason: string; idempotency_key: string }
export interface SellerUser { user_id: string; seller_id: string; created_at: string }
export interface SellerReconcileLine {
  seller_id: string; name: string; balance_rial: number; expected_rial: number; approved_rial: number; corrections_rial: number; sold_rial: number; ok: boolean;
}
export interface CreditSalesReconcile { ok: boolean; ledger: ReconcileReport; sellers: SellerReconcileLine[] }

/** Date range (ISO instants) and paging shared by statements and charge lists. */
export interface RangeQuery { from?: string; to?: string; limit: number; offset: number }
export interface ChargesFilter extends RangeQuery { phone?: string; status?: ChargeListItem['status'] }

/**
 * Whose data a screen shows: the signed-in seller's (portal) or a seller's picked by an admin.
 * Both have the same statement, charges and API key routes under different prefixes.
 */
export type SellerScope = { kind: 'portal' } | { kind: 'admin'; seller_id: string };

function base(scope: SellerScope): string {
  return scope.kind === 'portal' ? '/api/credit-sales/portal' : `/api/credit-sales/sellers/${scope.seller_id}`;
}
function scopeKey(scope: SellerScope): string {
  return scope.kind === 'portal' ? 'portal' : scope.seller_id;
}

const ROOT = ['credit-sales'] as const;

// ── seller (portal or one seller) ────────────────────────────────────────────────────────────────

export function usePortalSeller() {
  return useQuery({ queryKey: [...ROOT, 'portal', 'seller'], queryFn: () => api.get<SellerDto>('/api/credit-sales/portal/seller'), retry: false });
}

export function useSeller(seller_id: string) {
  return useQuery({ queryKey: [...ROOT, 'seller', seller_id], queryFn: () => api.get<SellerDto>(`/api/credit-sales/sellers/${seller_id}`) });
}

export function useStatement(scope: SellerScope, query: RangeQuery) {
  return useQuery({
    queryKey: [...ROOT, scopeKey(scope), 'statement', query],
    queryFn: () => api.get<Statement>(`${base(scope)}/statement${queryString({ ...query, order: 'desc' })}`),
    placeholderData: keepPreviousData,
  });
}

export function useCharges(scope: SellerScope, filter: ChargesFilter) {
  return useQuery({
    queryKey: [...ROOT, scopeKey(scope), 'charges', filter],
    queryFn: () => api.get<Paged<ChargeListItem>>(`${base(scope)}/charges${queryString({ ...filter })}`),
    placeholderData: keepPreviousData,
  });
}

/**
 * The statement as an .xlsx file: fetched (so a refusal arrives as a translated problem, not as a page
 * of JSON) and handed to the browser as a download.
 */
export async function downloadStatement(scope: SellerScope, range: { from?: string; to?: string }, locale: 'fa' | 'en'): Promise<void> {
  const response = await fetch(`${base(scope)}/statement.xlsx${queryString({ ...range, locale })}`, { credentials: 'same-origin' });
  if (!response.ok) {
    const body = (await response.json().catch(() => ({}))) as { code?: string; params?: Record<string, unknown> };
    throw new ProblemError(response.status, body.code ?? 'common.internal_error', body.params ?? {});
  }
  const url = URL.createObjectURL(await response.blob());
  const link = document.createElement('a');
  link.href = url;
  link.download = 'statement.xlsx';
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export function useSellerApiKeys(scope: SellerScope) {
  return useQuery({ queryKey: [...ROOT, scopeKey(scope), 'api-keys'], queryFn: () => api.get<{ items: ApiKeyDto[] }>(`${base(scope)}/api-keys`) });
}

export function useCreateSellerApiKey(scope: SellerScope) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (name: string) => api.post<NewApiKey>(`${base(scope)}/api-keys`, { name }),
    onSuccess: () => client.invalidateQueries({ queryKey: [...ROOT, scopeKey(scope), 'api-keys'] }),
  });
}

export function useRevokeSellerApiKey(scope: SellerScope) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (key_id: string) => api.delete<ApiKeyDto>(`${base(scope)}/api-keys/${key_id}`),
    onSuccess: () => client.invalidateQueries({ queryKey: [...ROOT, scopeKey(scope), 'api-keys'] }),
  });
}

// ── credit-increase requests ─────────────────────────────────────────────────────────────────────

export interface RequestsFilter { status?: CreditRequestStatus; seller_id?: string; limit: number; offset: number }

export function usePortalRequests(filter: RequestsFilter) {
  return useQuery({
    queryKey: [...ROOT, 'portal', 'requests', filter],
    queryFn: () => api.get<Paged<CreditRequestDto>>(`/api/credit-sales/portal/requests${queryString({ ...filter })}`),
    placeholderData: keepPreviousData,
  });
}

/** The seller files a request (portal), or an admin files one for a seller. */
export function useFileRequest(scope: SellerScope) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (input: CreditRequestInput) =>
      api.post<CreditRequestDto>(scope.kind === 'portal' ? '/api/credit-sales/portal/requests' : `/api/credit-sales/sellers/${scope.seller_id}/requests`, input),
    onSuccess: () => client.invalidateQueries({ queryKey: ROOT }),
  });
}

export function useRequestsQueue(filter: RequestsFilter) {
  return useQuery({
    queryKey: [...ROOT, 'requests', filter],
    queryFn: () => api.get<Paged<CreditRequestDto>>(`/api/credit-sales/requests${queryString({ ...filter })}`),
    placeholderData: keepPreviousData,
  });
}

export function useDecideRequest() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ id, decision, note }: { id: string; decision: 'approve' | 'reject'; note: string | null }) =>
      api.post<CreditRequestDto>(`/api/credit-sales/requests/${id}/${decision}`, { note }),
    // Whatever the answer (also "already decided"), the queue and balances are read again.
    onSettled: () => client.invalidateQueries({ queryKey: ROOT }),
  });
}

/** The receipt's URL: admins read any request's, the seller only their own. */
export function receiptUrl(request_id: string, portal: boolean): string {
  return portal ? `/api/credit-sales/portal/requests/${request_id}/receipt` : `/api/credit-sales/requests/${request_id}/receipt`;
}

// ── sellers (admin) ──────────────────────────────────────────────────────────────────────────────

export interface SellersFilter { search?: string; status?: SellerStatus; limit: number; offset: number }

export function useSellers(filter: SellersFilter, enabled = true) {
  return useQuery({
    queryKey: [...ROOT, 'sellers', filter],
    queryFn: () => api.get<Paged<SellerDto>>(`/api/credit-sales/sellers${queryString({ ...filter })}`),
    placeholderData: keepPreviousData,
    enabled,
  });
}

export function useCreateSeller() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (input: SellerInput) => api.post<SellerDto>('/api/credit-sales/sellers', input),
    onSuccess: () => client.invalidateQueries({ queryKey: [...ROOT, 'sellers'] }),
  });
}

export function useUpdateSeller() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ id, ...patch }: SellerUpdate & { id: string }) => api.patch<SellerDto>(`/api/credit-sales/sellers/${id}`, patch),
    onSuccess: () => client.invalidateQueries({ queryKey: ROOT }),
  });
}

export function useSellerUsers(seller_id: string) {
  return useQuery({ queryKey: [...ROOT, seller_id, 'users'], queryFn: () => api.get<{ items: SellerUser[] }>(`/api/credit-sales/sellers/${seller_id}/users`) });
}

export function useLinkSellerUser(seller_id: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (user_id: string) => api.post<SellerUser>(`/api/credit-sales/sellers/${seller_id}/users`, { user_id }),
    onSuccess: () => client.invalidateQueries({ queryKey: [...ROOT, seller_id, 'users'] }),
  });
}

export function useUnlinkSellerUser(seller_id: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (user_id: string) => api.delete(`/api/credit-sales/sellers/${seller_id}/users/${user_id}`),
    onSuccess: () => client.invalidateQueries({ queryKey: [...ROOT, seller_id, 'users'] }),
  });
}

// ── corrections and reconcile (admin) ────────────────────────────────────────────────────────────

export function useCorrections(filter: { seller_id?: string; limit: number; offset: number }) {
  return useQuery({
    queryKey: [...ROOT, 'corrections', filter],
    queryFn: () => api.get<Paged<CorrectionDto>>(`/api/credit-sales/corrections${queryString({ ...filter })}`),
    placeholderData: keepPreviousData,
  });
}

export function useCreateCorrection(seller_id: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (input: CorrectionInput) => api.post<CorrectionDto>(`/api/credit-sales/sellers/${seller_id}/corrections`, input),
    onSuccess: () => client.invalidateQueries({ queryKey: ROOT }),
  });
}

/** Runs the reconcile (a read, but a heavy one: only on request, never cached as fresh). */
export function useReconcile() {
  return useMutation({ mutationFn: () => api.get<CreditSalesReconcile>('/api/credit-sales/reconcile') });
}
