/**
 * Code-based routes built from the module registry: public pages, signed-in pages outside the panel
 * (organisation chooser), and the panel (inside the shell). Every screen is a lazy chunk.
 */
import { createRootRouteWithContext, createRoute, createRouter, lazyRouteComponent, Outlet, redirect, type AnyRoute, type ParsedLocation } from '@tanstack/react-router';
import type { QueryClient } from '@tanstack/react-query';
import { allPages } from './modules';
import type { PageArea, PageDefinition } from './registry';
import { meKey, meQuery, type Me } from '../modules/identity/identity.api';
import { myOrganisationsQuery, selectOrganisation } from '../modules/orgs/orgs.api';
import { organisationToOpen } from './org-entry';
import { Shell } from './shell';
import { NotFoundScreen, RouteErrorScreen } from './fallbacks';

declare module '@tanstack/react-router' {
  interface StaticDataRouteOption {
    page?: PageDefinition;
  }
}

export interface RouterContext {
  queryClient: QueryClient;
}

function signInRedirect(location: ParsedLocation): never {
  throw redirect({ to: '/sign-in', search: { redirect: location.href } });
}

async function requireSignedIn(queryClient: QueryClient, location: ParsedLocation): Promise<Me> {
  const me = await queryClient.ensureQueryData(meQuery);
  if (!me) signInRedirect(location);
  return me;
}

/** Signed in and working in an organisation (platform people may work without one). */
async function enterPanel(queryClient: QueryClient, location: ParsedLocation): Promise<void> {
  const me = await requireSignedIn(queryClient, location);
  if (me.current_org_id) return;
  const orgs = await queryClient.fetchQuery(myOrganisationsQuery);
  const target = organisationToOpen(orgs);
  if (target) {
    await selectOrganisation(target);
    await queryClient.invalidateQueries({ queryKey: meKey });
    await queryClient.fetchQuery(meQuery);
    return;
  }
  if (orgs.items.length > 0) throw redirect({ to: '/choose-organisation', search: { redirect: location.href } });
  if (me.user.is_platform_admin || me.user.is_support_partner) return;
  throw redirect({ to: '/no-organisation' });
}

const rootRoute = createRootRouteWithContext<RouterContext>()({
  component: Outlet,
  notFoundComponent: NotFoundScreen,
  errorComponent: RouteErrorScreen,
});

const sessionLayout = createRoute({
  getParentRoute: () => rootRoute,
  id: 'session',
  beforeLoad: async ({ context, location }) => {
    await requireSignedIn(context.queryClient, location);
  },
  component: Outlet,
});

const panelLayout = createRoute({
  getParentRoute: () => rootRoute,
  id: 'panel',
  beforeLoad: ({ context, location }) => enterPanel(context.queryClient, location),
  component: Shell,
});

const parents: Record<PageArea, AnyRoute> = { public: rootRoute, session: sessionLayout, panel: panelLayout };

function pageRoute(page: PageDefinition): AnyRoute {
  return createRoute({
    getParentRoute: () => parents[page.area],
    path: page.path,
    staticData: { page },
    component: lazyRouteComponent(page.component),
  });
}

const children = (area: PageArea) => allPages.filter((p) => p.area === area).map(pageRoute);

const routeTree = rootRoute.addChildren([
  ...children('public'),
  sessionLayout.addChildren(children('session')),
  panelLayout.addChildren(children('panel')),
]);

export function createAppRouter(queryClient: QueryClient) {
  return createRouter({
    routeTree,
    context: { queryClient },
    defaultPreload: 'intent',
    defaultPendingMs: 300,
    scrollRestoration: true,
  });
}
