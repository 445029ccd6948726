import { describe, expect, it } from 'vitest';
import { getRole } from '@chaharsu/access';
import { accessOf, canGrant } from './orgs.access.js';
import type { MembershipRow, OrganisationRow } from './orgs.tables.js';

const now = new Date('2026-11-21T10:00:00Z');
const org: OrganisationRow = {
  org_id: 'o1', slug: 'shop', name: 'Shop', active: true, allow_external_staff: false, session_idle_minutes: null,
  money_unit: 'toman', support_partner_user_id: 'partner', created_at: now, updated_at: now,
};
const membership = (roles: string[], active = true): MembershipRow => ({
  org_id: 'o1', id: 'm1', user_id: 'u1', roles, manager_title: null, active, last_used_at: null, created_at: now, updated_at: now,
});
const person = (user_id: string, flags: { admin?: boolean; partner?: boolean } = {}) => ({ user_id, is_platform_admin: !!flags.admin, is_support_partner: !!flags.partner });

describe('who may act in an organisation', () => {
  it('gives a member the permissions of their roles, and nothing once deactivated', () => {
    expect(accessOf(person('u1'), org, membership(['staff']))?.permissions).toEqual(new Set(['org.read']));
    expect(accessOf(person('u1'), org, membership(['staff'], false))).toBeNull();
    expect(accessOf(person('u1'), { ...org, active: false }, membership(['owner']))).toBeNull();
  });

  it('lets the support partner in only while external staff are allowed', () => {
    expect(accessOf(person('partner', { partner: true }), org, null)).toBeNull();
    const allowed = accessOf(person('partner', { partner: true }), { ...org, allow_external_staff: true }, null);
    expect(allowed?.roles).toEqual(['support']);
    expect(allowed?.permissions.has('org.staff.manage')).toBe(false);
    // Linked to the organisation but no longer flagged support partner on the account: no entry.
    expect(accessOf(person('partner'), { ...org, allow_external_staff: true }, null)).toBeNull();
  });

  it('lets a platform admin into any organisation as operator, without business permissions', () => {
    const access = accessOf(person('admin', { admin: true }), { ...org, active: false }, null);
    expect(access?.via).toBe('platform');
    expect(access?.permissions.has('org.owners.manage')).toBe(true);
    expect(access?.permissions.has('*')).toBe(false);
  });
});

describe('who may give which role', () => {
  const owner = { permissions: new Set(['*']), roles: ['owner'] };
  const manager = { permissions: new Set(getRole('manager')!.permissions), roles: ['manager'] };
  const staff = { permissions: new Set(['org.read']), roles: ['staff'] };
  it('reserves owner and manager for owners, lets managers give staff, and staff nothing', () => {
    expect(canGrant(owner, getRole('owner')!)).toBe(true);
    expect(canGrant(manager, getRole('owner')!)).toBe(false);
    expect(canGrant(manager, getRole('manager')!)).toBe(false);
    expect(canGrant(manager, getRole('staff')!)).toBe(true);
    expect(canGrant(staff, getRole('staff')!)).toBe(false);
    expect(canGrant(owner, getRole('support')!)).toBe(false);
  });
});
