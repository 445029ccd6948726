/**
 * Keyboard shortcuts. One window listener; screens register what they offer (the `?` sheet lists what
 * is registered right now). Keys are written `mod+k` (Ctrl or ⌘), `F2`, `/`, `?`, or a sequence `g h`.
 * Letters match by physical key (`event.code`), so they work on a Persian keyboard layout too.
 */
import { useEffect, useRef, useSyncExternalStore } from 'react';

export interface Shortcut {
  id: string;
  /** Alternatives, e.g. `['mod+k', '/']`. */
  keys: string[];
  label_key: string;
  group_key: 'shortcuts.group_global' | 'shortcuts.group_navigation' | 'shortcuts.group_page' | 'shortcuts.group_table';
  run: (event: KeyboardEvent) => void;
  /** Fire even while typing in a field (F-keys, mod+… and Escape do by default). */
  in_fields?: boolean;
}

const registry = new Map<string, Shortcut>();
const subscribers = new Set<() => void>();
let snapshot: Shortcut[] = [];

function changed(): void {
  snapshot = [...registry.values()];
  for (const notify of subscribers) notify();
}

export function registerShortcut(shortcut: Shortcut): () => void {
  registry.delete(shortcut.id);
  registry.set(shortcut.id, shortcut);
  changed();
  return () => {
    if (registry.get(shortcut.id) === shortcut) {
      registry.delete(shortcut.id);
      changed();
    }
  };
}

export function useShortcutList(): Shortcut[] {
  return useSyncExternalStore(
    (notify) => {
      subscribers.add(notify);
      return () => subscribers.delete(notify);
    },
    () => snapshot,
  );
}

/** Registers while mounted; `run` may change between renders without re-registering. */
export function useShortcut(shortcut: Omit<Shortcut, 'run'> & { run: (event: KeyboardEvent) => void }, enabled = true): void {
  const run = useRef(shortcut.run);
  run.current = shortcut.run;
  const keys = shortcut.keys.join('|');
  useEffect(() => {
    if (!enabled) return;
    return registerShortcut({ ...shortcut, keys: keys.split('|'), run: (event) => run.current(event) });
  }, [shortcut.id, keys, shortcut.label_key, shortcut.group_key, shortcut.in_fields, enabled]);
}

/** The token of a key press: `F2`, `mod+k`, `g` (by physical key), `?`. */
export function keyToken(event: Pick<KeyboardEvent, 'key' | 'code' | 'ctrlKey' | 'metaKey' | 'altKey' | 'shiftKey'>): string | null {
  let base: string | null = null;
  if (/^F\d{1,2}$/.test(event.key)) base = event.key;
  else if (['Escape', 'Enter', 'ArrowUp', 'ArrowDown', 'ArrowLeft', 'ArrowRight', 'PageUp', 'PageDown', 'Home', 'End'].includes(event.key)) base = event.key;
  else if (event.code === 'Slash') base = event.shiftKey ? '?' : '/';
  else if (event.key === '?' || event.key === '؟') base = '?';
  else if (event.code.startsWith('Key')) base = event.code.slice(3).toLowerCase();
  else if (event.code.startsWith('Digit')) base = event.code.slice(5);
  if (!base) return null;
  const mods = `${event.ctrlKey || event.metaKey ? 'mod+' : ''}${event.altKey ? 'alt+' : ''}${event.shiftKey && base.length > 1 && base !== '?' ? 'shift+' : ''}`;
  return `${mods}${base}`;
}

function typingInField(event: KeyboardEvent): boolean {
  const target = event.target as HTMLElement | null;
  if (!target) return false;
  return target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName);
}

const SEQUENCE_WINDOW_MS = 1200;

export function startShortcutListener(): () => void {
  let previous: { token: string; at: number } | null = null;
  const onKeyDown = (event: KeyboardEvent) => {
    if (event.defaultPrevented || event.isComposing) return;
    const token = keyToken(event);
    if (!token) return;
    const now = performance.now();
    const candidates = previous && now - previous.at < SEQUENCE_WINDOW_MS ? [`${previous.token} ${token}`, token] : [token];
    previous = { token, at: now };
    const inField = typingInField(event);
    const shortcuts = [...registry.values()].reverse(); // the latest registered (the page) wins over the global one
    for (const candidate of candidates) {
      const match = shortcuts.find((s) => s.keys.includes(candidate));
      if (!match) continue;
      const alwaysOn = /^(mod\+|F\d)/.test(candidate);
      if (inField && !alwaysOn && !match.in_fields) return;
      event.preventDefault();
      previous = null;
      match.run(event);
      return;
    }
  };
  window.addEventListener('keydown', onKeyDown);
  return () => window.removeEventListener('keydown', onKeyDown);
}

/** `mod+k` → `Ctrl + K` (⌘ on Apple keyboards), `g h` → `G then H`; for the sheet. */
export function keyParts(keys: string): string[][] {
  const apple = typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform);
  return keys.split(' ').map((step) =>
    step.split('+').map((part) => (part === 'mod' ? (apple ? '⌘' : 'Ctrl') : part.length === 1 ? part.toUpperCase() : part)),
  );
}
