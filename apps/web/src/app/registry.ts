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
    /**
     * Listed only for people who hold this role here, not for everyone whose permissions cover the page
     * (an owner holds `*`, but the seller portal is a seller's page; owners work on sellers from the admin screens).
     */
    only_for_role?: string;
  };
}

/** The navbar's pages for this person: permitted, needing an organisation only when there is one, in order. */
export function visibleNavPages(
  pages: PageDefinition[],
  permissions: { has: (permission: string | undefined) => boolean },
  org: { my_roles: string[] } | null | undefined,
): PageDefinition[] {
  return pages
    .filter((p) => p.area === 'panel' && p.nav && permissions.has(p.permission))
    .filter((p) => !p.nav?.only_for_role || (org?.my_roles.includes(p.nav.only_for_role) ?? false))
    // organisation pages need an organisation; platform people may have none
    .filter((p) => org || p.nav?.group === 'platform' || p.nav?.group === 'account' || p.path === '/')
    .sort((a, b) => (a.nav?.order ?? 0) - (b.nav?.order ?? 0));
}

export interface ModuleRegistration {
  key: string;
  pages: PageDefinition[];
}

export function pageTitleKey(page: Pick<PageDefinition, 'page_key'>): string {
  return `pages.${page.page_key}`;
}
