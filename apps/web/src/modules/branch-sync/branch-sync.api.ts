/**
 * Branch agents over HTTP (/api/branch-sync/*): status per branch, health, commands, shipped errors,
 * the catalog mirror, enrolment codes, revocation and the agent password. Types come from the server's
 * zod contracts (types only: no server code reaches the bundle).
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { z } from 'zod';
import type { AgentStatusDto, AgentStatusList, CommandDto, EnrolmentCodeDto, MirrorStatusDto } from '@chaharsu/branch-sync/contracts';
import { api } from '../../lib/api';

export type { AgentStatusDto, CommandDto, EnrolmentCodeDto };
export type AgentSummary = z.infer<typeof AgentStatusList>['items'][number];
export type AgentInfo = NonNullable<AgentStatusDto['agent']>;
export type AgentHealthInfo = NonNullable<AgentInfo['health']>;
export type MirrorStatus = z.infer<typeof MirrorStatusDto>;

const ROOT = ['branch-sync'] as const;
/** Agents report every 15 s: the panel refreshes a little slower than that. */
const REFRESH_MS = 20_000;
const branchPath = (branch_id: string): string => `/api/branch-sync/branches/${encodeURIComponent(branch_id)}`;

export function useAgentStatuses() {
  return useQuery({ queryKey: [...ROOT, 'agents'], queryFn: () => api.get<{ items: AgentSummary[] }>('/api/branch-sync/agents'), refetchInterval: REFRESH_MS });
}

export function useBranchStatus(branch_id: string) {
  return useQuery({ queryKey: [...ROOT, 'branch', branch_id], queryFn: () => api.get<AgentStatusDto>(`${branchPath(branch_id)}/agent`), refetchInterval: REFRESH_MS });
}

export function useMirrorStatus(branch_id: string) {
  return useQuery({ queryKey: [...ROOT, 'branch', branch_id, 'mirror'], queryFn: () => api.get<MirrorStatus>(`${branchPath(branch_id)}/mirror`), refetchInterval: REFRESH_MS });
}

function useInvalidatingMutation<I, O>(call: (input: I) => Promise<O>) {
  const client = useQueryClient();
  return useMutation({ mutationFn: call, onSuccess: () => client.invalidateQueries({ queryKey: ROOT }) });
}

export function useIssueEnrolmentCode(branch_id: string) {
  return useInvalidatingMutation(() => api.post<EnrolmentCodeDto>(`${branchPath(branch_id)}/enrolment-codes`, {}));
}

export function useRevokeAgent(branch_id: string) {
  return useInvalidatingMutation(() => api.post<unknown>(`${branchPath(branch_id)}/agent/revoke`, {}));
}

export function useRevealAgentPassword(branch_id: string) {
  return useMutation({ mutationFn: () => api.post<{ agent_id: string; password: string }>(`${branchPath(branch_id)}/agent/password/reveal`, {}) });
}

export function useRetryCommand(branch_id: string) {
  return useInvalidatingMutation((command_id: string) => api.post<CommandDto>(`${branchPath(branch_id)}/commands/${encodeURIComponent(command_id)}/retry`, {}));
}

export function useResyncMirror(branch_id: string) {
  return useInvalidatingMutation((company_database: string) => api.post<MirrorStatus>(`${branchPath(branch_id)}/mirror/resync`, { company_database }));
}
