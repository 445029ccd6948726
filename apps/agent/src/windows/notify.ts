/**
 * Messages to the person at the branch computer (spec E7) from a Windows service. A service runs in
 * session 0 and cannot open a window or a toast on the user's desktop itself; `msg.exe` (WTSSendMessage)
 * is the Windows tool that shows a message box in the users' sessions from a service. It exists on
 * Windows Pro, Enterprise and Server (not on Home editions): without it the message stays in the log,
 * which is shipped to the panel, and the panel's own notification to the owner (Telegram / in-app) still
 * fires. The same message is shown at most once per `repeat_after_ms` so a flapping connection does not
 * pile up message boxes.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { windowsFolders } from '../config.js';

export interface MessageBoxInvocation { program: string; args: string[] }

export function msgPath(env: NodeJS.ProcessEnv = windowsFolders()): string {
  return path.win32.join(env.SystemRoot ?? env.SYSTEMROOT ?? 'C:\\Windows', 'System32', 'msg.exe');
}

/** One line, no control characters, bounded (msg.exe takes the text as one argument; 255 characters keeps it readable). */
export function messageText(title: string, body: string): string {
  // Control characters (newlines included) would break the one-argument message: spaces instead.
  const clean = (text: string): string => [...text].map((char) => (char.charCodeAt(0) < 0x20 || char.charCodeAt(0) === 0x7f ? ' ' : char)).join('').replace(/\s+/g, ' ').trim();
  const text = `${clean(title)}: ${clean(body)}`;
  return text.length > 255 ? `${text.slice(0, 254)}…` : text;
}

export function messageBoxInvocation(title: string, body: string, shown_for_s: number, env?: NodeJS.ProcessEnv): MessageBoxInvocation {
  // `*` = every session on this computer (the person at the counter may not be the one who installed the agent).
  return { program: msgPath(env), args: ['*', `/TIME:${shown_for_s}`, messageText(title, body)] };
}

export interface UserNotifierOptions {
  log: (line: string) => void;
  repeat_after_ms?: number;
  shown_for_s?: number;
  env?: NodeJS.ProcessEnv;
  /** Starts the message box program without waiting for it (tests replace it). */
  launch?: (invocation: MessageBoxInvocation) => void;
  exists?: (file: string) => boolean;
  now?: () => number;
}

function launchDetached({ program, args }: MessageBoxInvocation, log: (line: string) => void): void {
  const child = spawn(program, args, { stdio: 'ignore', windowsHide: true, detached: true });
  child.once('error', (error) => log(`[notification] could not run ${program}: ${error.message}`));
  child.unref();
}

export function userNotifier(options: UserNotifierOptions): (title: string, body: string) => void {
  const repeatAfter = options.repeat_after_ms ?? 10 * 60_000;
  const lastShown = new Map<string, number>();
  const now = options.now ?? Date.now;
  const exists = options.exists ?? existsSync;
  const launch = options.launch ?? ((invocation) => launchDetached(invocation, options.log));
  return (title, body) => {
    const invocation = messageBoxInvocation(title, body, options.shown_for_s ?? 300, options.env);
    const text = messageText(title, body);
    options.log(`[notification] ${text}`);
    const at = now();
    const before = lastShown.get(text);
    if (before !== undefined && at - before < repeatAfter) return;
    lastShown.set(text, at);
    if (!exists(invocation.program)) { options.log(`[notification] ${invocation.program} is not on this Windows edition; the message is only logged`); return; }
    launch(invocation);
  };
}
