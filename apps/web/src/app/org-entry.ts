import type { MyOrganisations } from '../modules/orgs/orgs.api';

/** The organisation to open without asking: the only one, else the default, else the last used. */
export function organisationToOpen(orgs: MyOrganisations): string | null {
  const first = orgs.items[0];
  if (orgs.items.length === 1 && first) return first.org_id;
  for (const candidate of [orgs.default_org_id, orgs.last_used_org_id]) {
    if (candidate && orgs.items.some((o) => o.org_id === candidate)) return candidate;
  }
  return null;
}

