import { buildVersionOverride } from './config.js';

/**
 * The agent's version, reported in every heartbeat (the panel compares it with the offered update).
 * A release build compiles its version in here; CHAHARSU_AGENT_BUILD_VERSION is set only by the launcher
 * script of a development/test build in a version folder (the same code run as another version).
 */
export const AGENT_VERSION = buildVersionOverride() ?? '0.1.0';
