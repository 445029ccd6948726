/** Row shapes of the orgs schema (what the repository returns; services turn them into DTOs). */
export interface OrganisationRow {
  org_id: string;
  slug: string;
  name: string;
  active: boolean;
  allow_external_staff: boolean;
  session_idle_minutes: number | null;
  money_unit: 'rial' | 'toman';
  support_partner_user_id: string | null;
  created_at: Date;
  updated_at: Date;
}

export interface MembershipRow {
  org_id: string;
  id: string;
  user_id: string;
  roles: string[];
  manager_title: 'representative' | 'supervisor' | 'accountant' | null;
  active: boolean;
  last_used_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

export interface BranchRow {
  org_id: string;
  id: string;
  name: string;
  code: string | null;
  active: boolean;
  is_central_branch: boolean;
  is_central_warehouse: boolean;
  is_reference: boolean;
  address: string | null;
  phone: string | null;
  created_at: Date;
  updated_at: Date;
}

export interface WarehouseRow {
  org_id: string;
  id: string;
  branch_id: string;
  name: string;
  code: string | null;
  active: boolean;
  is_default: boolean;
  created_at: Date;
  updated_at: Date;
}

export interface PersonSettingRow {
  user_id: string;
  default_org_id: string | null;
  last_used_org_id: string | null;
}

export interface LeadRow {
  id: string;
  name: string;
  phone: string;
  business: string;
  city: string;
  want: 'buy' | 'support' | 'why_not_assigned';
  note: string | null;
  user_id: string | null;
  status: 'new' | 'contacted' | 'closed';
  created_at: Date;
  updated_at: Date;
}

export type BranchFlag = 'is_central_branch' | 'is_central_warehouse' | 'is_reference';
export const BRANCH_FLAGS: readonly BranchFlag[] = ['is_central_branch', 'is_central_warehouse', 'is_reference'];
