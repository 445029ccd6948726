import { describe, expect, it } from 'vitest';
import type { AgentUpdate, UpdateOfferDto } from './branch-sync.api';
import { branchUpdate } from './update-state';

const BRANCH = '00000000-0000-4000-8000-000000000001';
const agent = (over: Partial<AgentUpdate>): AgentUpdate => ({
  agent_id: '00000000-0000-4000-8000-0000000000a1', branch_id: BRANCH, agent_version: '1.0.0', offered_version: '1.1.0',
  update_version: null, update_state: null, update_detail: null, update_at: null, ...over,
});
const offer = (created_at: string, branch_id: string | null = null): UpdateOfferDto => ({ id: '00000000-0000-4000-8000-0000000000f1', version: '1.1.0', branch_id, install_without_confirmation: false, created_at, withdrawn_at: null });

describe('a branch against the release offered to it', () => {
  it('has no agent, or nothing offered', () => {
    expect(branchUpdate(undefined, []).state).toBe('no_agent');
    expect(branchUpdate(agent({ offered_version: null }), []).state).toBe('no_offer');
  });

  it('is offered until the agent reports, then shows the report', () => {
    expect(branchUpdate(agent({}), [offer('2026-11-20T10:00:00Z')])).toEqual({ state: 'offered', at: '2026-11-20T10:00:00Z', detail: null });
    expect(branchUpdate(agent({ update_version: '1.1.0', update_state: 'waiting_confirmation', update_at: '2026-11-20T10:01:00Z' }), []).state).toBe('waiting_confirmation');
    // A report about an older version says nothing about this offer.
    expect(branchUpdate(agent({ update_version: '0.9.0', update_state: 'rejected', update_detail: 'x' }), []).state).toBe('offered');
  });

  it('is installed once the agent runs the offered version', () => {
    expect(branchUpdate(agent({ agent_version: '1.1.0', update_version: '1.1.0', update_state: 'installed', update_at: '2026-11-20T10:05:00Z' }), [])).toEqual({ state: 'installed', at: '2026-11-20T10:05:00Z', detail: null });
  });

  it('shows a rejection with its reason, and "offered" again once a manager re-offers after it', () => {
    const rejected = agent({ update_version: '1.1.0', update_state: 'rejected', update_detail: 'signature does not verify', update_at: '2026-11-20T10:02:00Z' });
    expect(branchUpdate(rejected, [offer('2026-11-20T10:00:00Z')])).toEqual({ state: 'rejected', at: '2026-11-20T10:02:00Z', detail: 'signature does not verify' });
    expect(branchUpdate(rejected, [offer('2026-11-20T11:00:00Z', BRANCH), offer('2026-11-20T10:00:00Z')]).state).toBe('offered');
    expect(branchUpdate(agent({ update_version: '1.1.0', update_state: 'rolled_back', update_detail: 'not healthy in 120 s', update_at: '2026-11-20T10:09:00Z' }), [offer('2026-11-20T10:00:00Z')]).detail).toBe('not healthy in 120 s');
  });
});
