/**
 * The one place a module declares its screens: path, help page key, title, who may open it, and its
 * navbar entry. A new module adds `modules/<name>/<name>.module.ts` and one line in `app/modules.ts`;
 * the router, the navbar, the spotlight search and the `g …` shortcuts are built from these.
 */
import type { ComponentType } from 'react';

export type PageArea =
  /** Anyone, signed in or not (sign-in, dev inbox). */
  | 'public'
  /** Signed in, outside the panel (organisation chooser, no-organisation page). */
  | 'session'
  /** Inside the panel shell. */
  | 'panel';

export type NavGroup = 'main' | 'organisation' | 'account' | 'platform';

export interface PageDefinition {
  /** URL path, e.g. `/org/branches`. */
  path: string;
  /** Key of this page's help guide and data attribute; also `pages.<page_key>` is its title. */
  page_key: string;
  area: PageArea;
  /** Permission needed (see modules/access); omitted: any signed-in person. */
  permission?: string;
  component: () => Promise<{ default: ComponentType }>;
  nav?: {
    group: NavGroup;
    order: number;
    icon: ComponentType<{ size?: number | string; stroke?: number }>;
    /** A `g <letter>` navigation shortcut, e.g. `g b`. */
    shortcut?: string;
  };
}

export interface ModuleRegistration {
  key: string;
  pages: PageDefinition[];
}

export function pageTitleKey(page: Pick<PageDefinition, 'page_key'>): string {
  return `pages.${page.page_key}`;
}
