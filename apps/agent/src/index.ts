/** @chaharsu/agent as a library (tests and the future Windows service wrapper start it in-process). */
export { startAgent, openHoloo, type AgentOptions, type RunningAgent } from './agent.js';
export { enrol, type EnrolInput } from './enrol.js';
export { readIdentity, writeIdentity, type AgentIdentityFile, type HolooConnection } from './agent-config.js';
export { CommandJournal } from './journal.js';
export { createAgentLog, type AgentLog } from './log.js';
export { linuxPlatform, type AgentPlatform } from './platform.js';
export { faultsFrom, NO_FAULTS, seededRandom, type FaultPlan } from './faults.js';
export { reconnectDelayMs } from './server-link.js';
export { AGENT_VERSION } from './version.js';
export { checkAgentPassword, type PasswordCheck } from './local-protection.js';
