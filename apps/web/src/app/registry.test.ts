import { describe, expect, it } from 'vitest';
import { allPages } from './modules';
import { visibleNavPages } from './registry';
import { permissionSetOf } from './permissions';
import type { Me } from '../modules/identity/identity.api';
import type { CurrentOrg } from '../modules/orgs/orgs.api';

const me = { user: { is_platform_admin: false, is_support_partner: false } } as unknown as Me;
const orgWith = (my_roles: string[], my_permissions: string[]) => ({ my_roles, my_permissions }) as unknown as CurrentOrg;
const navPaths = (org: CurrentOrg) => visibleNavPages(allPages, permissionSetOf(me, org), org).map((p) => p.path);

describe('the navbar', () => {
  it('lists the seller portal for sellers, not for owners whose permissions merely cover it', () => {
    const owner = navPaths(orgWith(['owner'], ['*']));
    expect(owner).toContain('/credit-sales/sellers');
    expect(owner).not.toContain('/credit-sales/portal');
    expect(navPaths(orgWith(['seller'], ['credit_sales.portal']))).toContain('/credit-sales/portal');
    expect(navPaths(orgWith(['seller'], ['credit_sales.portal']))).not.toContain('/credit-sales/sellers');
  });
});
