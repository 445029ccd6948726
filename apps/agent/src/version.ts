/** The agent's version, reported in every heartbeat (the panel compares it with the offered update). */
export const AGENT_VERSION = '0.1.0';
