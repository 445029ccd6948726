/**
 * Branch agents over HTTP (/api/branch-sync/*): status per branch, health, commands, shipped errors,
 * the catalog mirror, enrolment codes, revocation and the agent password. Types come from the server's
 * zod contracts (types only: no server code reaches the bundle).
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { z } from 'zod';
import type { AgentStatusDto, AgentStatusList, CommandDto, EnrolmentCodeDto, MirrorStatusDto, UpdateOfferDto, UpdateOfferInput, UpdatesDto } from '@chaharsu/branch-sync/contracts';
import { api } from '../../lib/api';

export type { AgentStatusDto, CommandDto, EnrolmentCodeDto };
export type AgentSummary = z.infer<typeof AgentStatusList>['items'][number];
export type AgentInfo = NonNullable<AgentStatusDto['agent']>;
export type AgentHealthInfo = NonNullable<AgentInfo['health']>;
export type MirrorStatus = z.infer<typeof MirrorStatusDto>;
export type { UpdateOfferDto, UpdateOfferInput, UpdatesDto };
export type AgentRelease = UpdatesDto['releases'][number];
export type AgentUpdate = UpdatesDto['agents'][number];

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

/** A new agent secret without re-enrolment (the agent confirms it; the old one works until then). */
export function useRotateAgentSecret(branch_id: string) {
  return useInvalidatingMutation(() => api.post<{ agent_id: string; rotation_id: string; requested_at: string }>(`${branchPath(branch_id)}/agent/secret/rotate`, {}));
}

/** A new agent password; its verifier is pushed to the agent. */
export function useRotateAgentPassword(branch_id: string) {
  return useInvalidatingMutation(() => api.post<{ agent_id: string; password_changed_at: string }>(`${branchPath(branch_id)}/agent/password/rotate`, {}));
}

export type AgentSettingsInput = { sql_port: number | null; local_port: number | null };
/** SQL Server port and the agent's local port (applied by the agent, which reports back). */
export function useUpdateAgentSettings(branch_id: string) {
  return useInvalidatingMutation((input: AgentSettingsInput) => api.put<AgentStatusDto>(`${branchPath(branch_id)}/agent/settings`, input));
}

export function useRetryCommand(branch_id: string) {
  return useInvalidatingMutation((command_id: string) => api.post<CommandDto>(`${branchPath(branch_id)}/commands/${encodeURIComponent(command_id)}/retry`, {}));
}

export function useResyncMirror(branch_id: string) {
  return useInvalidatingMutation((company_database: string) => api.post<MirrorStatus>(`${branchPath(branch_id)}/mirror/resync`, { company_database }));
}

/** Published agent releases, this organisation's offers, and per agent its version and last update report. */
export function useUpdates() {
  return useQuery({ queryKey: [...ROOT, 'updates'], queryFn: () => api.get<UpdatesDto>('/api/branch-sync/updates'), refetchInterval: REFRESH_MS });
}

/** Offers a release to one branch (`branch_id`) or to every branch (null); the agent picks it up at its next heartbeat. */
export function useOfferRelease() {
  return useInvalidatingMutation((input: UpdateOfferInput) => api.post<UpdateOfferDto>('/api/branch-sync/updates/offers', input));
}

/** Withdraws an offer: while it is the newest for its target, nothing is offered there (an older offer does not come back). */
export function useWithdrawOffer() {
  return useInvalidatingMutation((offer_id: string) => api.post<UpdateOfferDto>(`/api/branch-sync/updates/offers/${encodeURIComponent(offer_id)}/withdraw`, {}));
}
