/** Demo data for branch-sync, written through the module's own code paths (see demo.ts). */
export { seedBranchSyncDemo, seedDemoAgent, type BranchSyncDemoWorld, type BranchSyncDemoTools, type DemoAgentPlan, type DemoAgentResult } from './demo.js';
