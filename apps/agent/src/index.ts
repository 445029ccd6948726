/** @chaharsu/agent as a library (tests start it in-process; on Windows the service runs main.ts's `supervise`). */
export { startAgent, openHoloo, type AgentOptions, type RunningAgent } from './agent.js';
export { enrol, type EnrolInput } from './enrol.js';
export { readIdentity, writeIdentity, type AgentIdentityFile, type HolooConnection } from './agent-config.js';
export { CommandJournal } from './journal.js';
export { createAgentLog, type AgentLog } from './log.js';
export { linuxPlatform, type AgentPlatform } from './platform.js';
export { windowsPlatform } from './platform-windows.js';
export { currentPlatform } from './platform-current.js';
export { faultsFrom, NO_FAULTS, seededRandom, type FaultPlan } from './faults.js';
export { reconnectDelayMs } from './server-link.js';
export { AGENT_VERSION } from './version.js';
export { checkAgentPassword, type PasswordCheck } from './local-protection.js';
