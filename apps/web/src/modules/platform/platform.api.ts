/** The platform admin's data: leads (requests for a call) and organisations. */
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, queryString } from '../../lib/api';

export const LEAD_STATUSES = ['new', 'contacted', 'closed'] as const;
export type LeadStatus = (typeof LEAD_STATUSES)[number];

export interface Lead {
  id: string;
  name: string;
  phone: string;
  business: string;
  city: string;
  want: 'buy' | 'support' | 'why_not_assigned';
  note: string | null;
  status: LeadStatus;
  created_at: string;
}

export interface PlatformOrganisation {
  id: string;
  slug: string;
  name: string;
  active: boolean;
  allow_external_staff: boolean;
  /** Older servers listed the owners' phones; shown when present. */
  owner_phones?: string[];
  support_partner: { name: string | null; phone: string; user_id: string } | null;
  created_at: string;
}

export interface CreateOrganisationInput {
  slug: string;
  name: string;
  owner_phone: string;
  support_partner_phone?: string;
}

const leadsKey = ['platform', 'leads'] as const;
const orgsKey = ['platform', 'organisations'] as const;

export function useLeads(status: LeadStatus | null, limit: number, offset: number) {
  return useQuery({
    queryKey: [...leadsKey, status, limit, offset],
    queryFn: () => api.get<{ items: Lead[]; total: number }>(`/api/platform/leads${queryString({ status, limit, offset })}`),
    placeholderData: keepPreviousData,
  });
}

export function useSetLeadStatus() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ id, status }: { id: string; status: LeadStatus }) => api.patch<Lead>(`/api/platform/leads/${encodeURIComponent(id)}`, { status }),
    onSuccess: () => client.invalidateQueries({ queryKey: leadsKey }),
  });
}

export function usePlatformOrganisations(q: string, limit: number, offset: number) {
  return useQuery({
    queryKey: [...orgsKey, q, limit, offset],
    queryFn: () => api.get<{ items: PlatformOrganisation[]; total: number }>(`/api/platform/organisations${queryString({ q, limit, offset })}`),
    placeholderData: keepPreviousData,
  });
}

export function useCreateOrganisation() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (input: CreateOrganisationInput) => api.post<PlatformOrganisation>('/api/platform/organisations', input),
    onSuccess: () => client.invalidateQueries({ queryKey: orgsKey }),
  });
}
