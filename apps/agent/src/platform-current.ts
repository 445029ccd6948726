/** The platform of the computer this process runs on: Windows on the branch computers, Linux in tests and demos. */
import { linuxPlatform, type AgentPlatform } from './platform.js';
import { windowsPlatform } from './platform-windows.js';

export function currentPlatform(log: (line: string) => void, platform: NodeJS.Platform = process.platform): AgentPlatform {
  return platform === 'win32' ? windowsPlatform({ log }) : linuxPlatform(log);
}
