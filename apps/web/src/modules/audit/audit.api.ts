/** The audit log: GET /api/org/audit (the organisation's) and GET /api/platform/audit (everything), server paged. */
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { api, queryString } from '../../lib/api';

export interface AuditRecord {
  id: string;
  org_id: string | null;
  created_at: string;
  actor_kind: string;
  actor_id: string | null;
  actor_label: string | null;
  action: string;
  entity_type: string;
  entity_id: string | null;
  before: unknown;
  after: unknown;
  ip: string | null;
  user_agent: string | null;
  request_id: string | null;
}

export interface AuditFilters {
  action?: string;
  entity_type?: string;
  entity_id?: string;
  actor_id?: string;
  org_id?: string;
  from?: string;
  to?: string;
}

export type AuditScope = 'org' | 'platform';

export function useAuditPage(scope: AuditScope, filters: AuditFilters, limit: number, offset: number, enabled = true) {
  return useQuery({
    queryKey: ['audit', scope, filters, limit, offset],
    queryFn: () => api.get<{ items: AuditRecord[]; total: number }>(`/api/${scope}/audit${queryString({ ...filters, limit, offset })}`),
    placeholderData: keepPreviousData,
    enabled,
  });
}
