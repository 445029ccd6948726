/**
 * Fault injection for the fault-injection test (tests/branch-sync/faults.test.ts). Off unless the
 * agent is started with `CHAHARSU_AGENT_FAULTS` (JSON). At named points of the protocol the agent
 * draws from a seeded generator and may SIGKILL itself, process an incoming delivery twice, or delay
 * a report. Production never sets the variable.
 */
export type FaultPoint = 'after_store' | 'before_commit' | 'after_commit' | 'after_result_stored' | 'after_secret_stored';

export interface FaultPlan {
  seed: number;
  /** Probability, at each point, of SIGKILL. */
  kill_rate: number;
  duplicate_rate: number;
  delay_report_rate: number;
  delay_report_max_ms: number;
}

export interface Faults {
  at(point: FaultPoint): void;
  duplicateDelivery(): boolean;
  reportDelayMs(): number;
}

/** mulberry32: small, seeded, good enough to choose fault points reproducibly. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const NO_FAULTS: Faults = { at: () => undefined, duplicateDelivery: () => false, reportDelayMs: () => 0 };

export function faultsFrom(plan: FaultPlan | null, onKill: (point: FaultPoint) => void): Faults {
  if (!plan) return NO_FAULTS;
  const random = seededRandom(plan.seed);
  return {
    at(point) {
      if (random() < plan.kill_rate) {
        onKill(point);
        process.kill(process.pid, 'SIGKILL');
      }
    },
    duplicateDelivery: () => random() < plan.duplicate_rate,
    reportDelayMs: () => (random() < plan.delay_report_rate ? Math.floor(random() * plan.delay_report_max_ms) : 0),
  };
}
