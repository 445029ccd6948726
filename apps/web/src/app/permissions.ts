/**
 * What the signed-in person may do here: the current organisation's permissions (`*` = all) plus the
 * platform permissions their platform roles give. The server decides for every request; the web only
 * hides what it would refuse.
 */
import { useMemo } from 'react';
import type { Me } from '../modules/identity/identity.api';
import type { CurrentOrg } from '../modules/orgs/orgs.api';
import { useMe } from '../modules/identity/identity.api';
import { useCurrentOrg } from '../modules/orgs/orgs.api';

const PLATFORM_ADMIN_PERMISSIONS = ['platform.leads.read', 'platform.orgs.read', 'platform.orgs.manage', 'platform.translations.manage', 'platform.audit.read'];
const SUPPORT_PARTNER_PERMISSIONS = ['platform.orgs.read'];

export interface PermissionSet {
  has: (permission: string | undefined) => boolean;
}

export function permissionSetOf(me: Me | null | undefined, org: CurrentOrg | null | undefined): PermissionSet {
  const held = new Set<string>();
  if (me?.user.is_platform_admin) for (const p of PLATFORM_ADMIN_PERMISSIONS) held.add(p);
  if (me?.user.is_support_partner) for (const p of SUPPORT_PARTNER_PERMISSIONS) held.add(p);
  const orgWide = new Set(org?.my_permissions ?? []);
  return {
    has: (permission) => {
      if (!permission) return Boolean(me);
      if (permission.startsWith('platform.')) return held.has(permission);
      return orgWide.has('*') || orgWide.has(permission);
    },
  };
}

export function usePermissions(): PermissionSet {
  const me = useMe().data;
  const org = useCurrentOrg().data;
  return useMemo(() => permissionSetOf(me, org), [me, org]);
}
