/** Organisations: the chooser, the current organisation, its settings, branches, warehouses, staff and API keys. */
import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, isProblem } from '../../lib/api';
import type { MoneyUnit } from '../../lib/format';
import { meKey, useMe } from '../identity/identity.api';

export interface MyOrganisation {
  org_id: string;
  slug: string;
  name: string;
  roles: string[];
  manager_title: string | null;
  is_default: boolean;
  last_used_at: string | null;
  via: string;
}

export interface MyOrganisations {
  items: MyOrganisation[];
  default_org_id: string | null;
  last_used_org_id: string | null;
  current_org_id: string | null;
}

export interface OrgSettings {
  allow_external_staff: boolean;
  session_idle_minutes: number | null;
  money_unit: MoneyUnit;
}

export interface Contact {
  name: string | null;
  phone: string;
}

export interface CurrentOrg {
  id: string;
  slug: string;
  name: string;
  active: boolean;
  settings: OrgSettings;
  assist: Contact | null;
  my_roles: string[];
  my_permissions: string[];
  my_branch_ids: string[];
}

export interface Branch {
  id: string;
  name: string;
  code: string | null;
  active: boolean;
  is_central_branch: boolean;
  is_central_warehouse: boolean;
  is_reference: boolean;
  address: string | null;
  phone: string | null;
}
export type BranchInput = Omit<Branch, 'id'>;

export interface Warehouse {
  id: string;
  branch_id: string;
  name: string;
  code: string | null;
  active: boolean;
  is_default: boolean;
}
export type WarehouseInput = Pick<Warehouse, 'name' | 'code' | 'active' | 'is_default'>;

export interface Member {
  membership_id: string;
  user_id: string;
  phone: string;
  display_name: string | null;
  roles: string[];
  manager_title: string | null;
  branch_ids: string[];
  active: boolean;
  created_at: string;
}

export interface MemberInput {
  phone: string;
  display_name?: string;
  roles: string[];
  manager_title?: string | null;
  branch_ids: string[];
}

export interface Role {
  key: string;
  label_key: string;
  permissions: string[];
  /** Whether the signed-in person may give (or take away) this role. */
  grantable: boolean;
}

export interface RolesResponse {
  items: Role[];
  manager_titles: Array<{ key: string; label_key: string }>;
}

export interface ApiKey {
  id: string;
  name: string;
  prefix: string;
  scopes: string[];
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

export interface LeadInput {
  name: string;
  phone: string;
  business: string;
  city: string;
  want: 'buy' | 'support' | 'why_not_assigned';
  note?: string;
}

export const MANAGER_TITLES = ['representative', 'supervisor', 'accountant'] as const;

export const myOrganisationsQuery = queryOptions({
  queryKey: ['me', 'organisations'],
  queryFn: () => api.get<MyOrganisations>('/api/me/organisations'),
});

export function useMyOrganisations() {
  return useQuery(myOrganisationsQuery);
}

export const orgKey = ['org'] as const;

/** GET /api/org, or null when no organisation is selected (platform-only people). */
async function fetchCurrentOrg(): Promise<CurrentOrg | null> {
  try {
    return await api.get<CurrentOrg>('/api/org');
  } catch (error) {
    if (isProblem(error, 'common.no_organisation_selected') || isProblem(error, 'common.forbidden')) return null;
    throw error;
  }
}

/** The organisation the session works in; not fetched while signed out or when none is selected. */
export function useCurrentOrg() {
  const me = useMe().data;
  return useQuery({ queryKey: [...orgKey, me?.current_org_id ?? 'none'], queryFn: fetchCurrentOrg, enabled: Boolean(me?.current_org_id), staleTime: 30_000 });
}

export function selectOrganisation(org_id: string) {
  return api.post<{ current_org_id: string; permissions: string[] }>(`/api/me/organisations/${encodeURIComponent(org_id)}/select`);
}

/** Entering another organisation: everything cached belongs to the previous one. */
export function useSelectOrganisation() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: selectOrganisation,
    onSuccess: async () => {
      client.removeQueries({ predicate: (query) => query.queryKey[0] !== 'me' });
      await client.invalidateQueries({ queryKey: meKey });
    },
  });
}

export function useSetDefaultOrganisation() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (org_id: string | null) => api.put<unknown>('/api/me/organisations/default', { org_id }),
    onSuccess: () => client.invalidateQueries({ queryKey: myOrganisationsQuery.queryKey }),
  });
}

export function useSaveOrgSettings() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (settings: Partial<OrgSettings>) => api.patch<unknown>('/api/org/settings', settings),
    onSuccess: () => client.invalidateQueries({ queryKey: orgKey }),
  });
}

const branchesKey = ['org', 'branches'] as const;

export function useBranches(enabled = true) {
  return useQuery({ queryKey: branchesKey, queryFn: () => api.get<{ items: Branch[] }>('/api/org/branches'), enabled });
}

export function useSaveBranch() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ id, input }: { id: string | null; input: Partial<BranchInput> }) =>
      id ? api.patch<Branch>(`/api/org/branches/${encodeURIComponent(id)}`, input) : api.post<Branch>('/api/org/branches', input),
    onSuccess: () => client.invalidateQueries({ queryKey: branchesKey }),
  });
}

export function useWarehouses(branch_id: string) {
  return useQuery({
    queryKey: ['org', 'branches', branch_id, 'warehouses'],
    queryFn: () => api.get<{ items: Warehouse[] }>(`/api/org/branches/${encodeURIComponent(branch_id)}/warehouses`),
  });
}

export function useSaveWarehouse(branch_id: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ id, input }: { id: string | null; input: Partial<WarehouseInput> }) =>
      id
        ? api.patch<Warehouse>(`/api/org/warehouses/${encodeURIComponent(id)}`, input)
        : api.post<Warehouse>(`/api/org/branches/${encodeURIComponent(branch_id)}/warehouses`, input),
    onSuccess: () => client.invalidateQueries({ queryKey: ['org', 'branches', branch_id, 'warehouses'] }),
  });
}

const membersKey = ['org', 'members'] as const;

export function useMembers(enabled = true) {
  return useQuery({ queryKey: membersKey, queryFn: () => api.get<{ items: Member[] }>('/api/org/members'), enabled });
}

export function useRoles() {
  return useQuery({ queryKey: ['org', 'roles'], queryFn: () => api.get<RolesResponse>('/api/org/roles'), staleTime: 5 * 60_000 });
}

export function useAddMember() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (input: MemberInput) => api.post<Member>('/api/org/members', input),
    onSuccess: () => client.invalidateQueries({ queryKey: membersKey }),
  });
}

export function useUpdateMember() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ id, input }: { id: string; input: { roles?: string[]; manager_title?: string | null; branch_ids?: string[]; active?: boolean } }) => api.patch<Member>(`/api/org/members/${encodeURIComponent(id)}`, input),
    onSuccess: () => client.invalidateQueries({ queryKey: membersKey }),
  });
}

export function useDeactivateMember() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api.post<unknown>(`/api/org/members/${encodeURIComponent(id)}/deactivate`),
    onSuccess: () => client.invalidateQueries({ queryKey: membersKey }),
  });
}

const apiKeysKey = ['org', 'api-keys'] as const;

export function useApiKeys() {
  return useQuery({ queryKey: apiKeysKey, queryFn: () => api.get<{ items: ApiKey[] }>('/api/org/api-keys') });
}

export function useCreateApiKey() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (input: { name: string; scopes: string[] }) => api.post<{ id: string; name: string; scopes: string[]; key: string }>('/api/org/api-keys', input),
    onSuccess: () => client.invalidateQueries({ queryKey: apiKeysKey }),
  });
}

export function useRevokeApiKey() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api.delete(`/api/org/api-keys/${encodeURIComponent(id)}`),
    onSuccess: () => client.invalidateQueries({ queryKey: apiKeysKey }),
  });
}

export function useSubmitLead() {
  return useMutation({ mutationFn: (input: LeadInput) => api.post<unknown>('/api/leads', input) });
}
