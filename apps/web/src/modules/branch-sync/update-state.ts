/**
 * Where a branch stands with the release offered to it, from what `GET /api/branch-sync/updates` returns.
 * The agent reports only `downloaded`, `waiting_confirmation`, `installed`, `rejected` and `rolled_back`
 * (apps/agent/README.md "Self-update"): between the offer and its first report the branch is `offered`
 * (the agent picks the offer up at its next heartbeat and downloads it). A rejected or rolled-back version is
 * not sent again unless it is offered anew after that report — the same rule as the server's `offerFor`.
 */
import type { AgentUpdate, UpdateOfferDto } from './branch-sync.api';

export type BranchUpdateState = 'no_agent' | 'no_offer' | 'offered' | 'downloaded' | 'waiting_confirmation' | 'installed' | 'rejected' | 'rolled_back';
export interface BranchUpdate { state: BranchUpdateState; at: string | null; detail: string | null }

/** The newest offer that applies to the branch (its own or one for every branch); offers come newest first. */
export const effectiveOffer = (offers: UpdateOfferDto[], branch_id: string): UpdateOfferDto | undefined =>
  offers.find((offer) => offer.branch_id === branch_id || offer.branch_id === null);

export function branchUpdate(agent: AgentUpdate | undefined, offers: UpdateOfferDto[]): BranchUpdate {
  if (!agent) return { state: 'no_agent', at: null, detail: null };
  const offered = agent.offered_version;
  if (!offered) return { state: 'no_offer', at: null, detail: null };
  const reported = agent.update_version === offered ? agent.update_state : null;
  const at = reported ? agent.update_at : null;
  if (agent.agent_version === offered) return { state: 'installed', at, detail: null };
  if (!reported) return { state: 'offered', at: effectiveOffer(offers, agent.branch_id)?.created_at ?? null, detail: null };
  const offer = effectiveOffer(offers, agent.branch_id);
  const failed = reported === 'rejected' || reported === 'rolled_back';
  // Offered again after the failure: the agent gets it at its next heartbeat.
  if (failed && offer && at && Date.parse(offer.created_at) > Date.parse(at)) return { state: 'offered', at: offer.created_at, detail: null };
  return { state: reported, at, detail: failed ? agent.update_detail : null };
}

export const UPDATE_STATE_COLOUR: Record<BranchUpdateState, string> = {
  no_agent: 'gray', no_offer: 'gray', offered: 'blue', downloaded: 'indigo', waiting_confirmation: 'orange', installed: 'teal', rejected: 'red', rolled_back: 'red',
};
