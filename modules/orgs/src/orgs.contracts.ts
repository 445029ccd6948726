/**
 * Request/response schemas of the orgs module (no server imports: the web client imports them too).
 * Field names are snake_case end to end.
 */
import { z } from 'zod';

/** ISO 8601 instants (services convert dates; response schemas must not transform: the serializer encodes). */
const Time = z.string();
const NullableTime = z.string().nullable();
const Text = (max: number) => z.string().trim().min(1).max(max);

export const MANAGER_TITLES = ['representative', 'supervisor', 'accountant'] as const;
export const ManagerTitle = z.enum(MANAGER_TITLES);
export const MoneyUnit = z.enum(['rial', 'toman']);
export const OrgVia = z.enum(['membership', 'support', 'platform']);
export const LeadWant = z.enum(['buy', 'support', 'why_not_assigned']);
export const LeadStatus = z.enum(['new', 'contacted', 'closed']);
export const RoleKey = z.string().regex(/^[a-z_]{2,50}$/);

// ---- The organisation chooser (session) ----
export const MyOrganisation = z.object({
  org_id: z.uuid(),
  slug: z.string(),
  name: z.string(),
  roles: z.array(z.string()),
  manager_title: ManagerTitle.nullable(),
  is_default: z.boolean(),
  last_used_at: NullableTime,
  via: OrgVia,
});
export type MyOrganisation = z.infer<typeof MyOrganisation>;

export const MyOrganisations = z.object({
  items: z.array(MyOrganisation),
  default_org_id: z.uuid().nullable(),
  last_used_org_id: z.uuid().nullable(),
  current_org_id: z.uuid().nullable(),
});
export type MyOrganisations = z.infer<typeof MyOrganisations>;

export const SelectedOrganisation = z.object({ current_org_id: z.uuid(), permissions: z.array(z.string()) });
export type SelectedOrganisation = z.infer<typeof SelectedOrganisation>;

export const DefaultOrganisationInput = z.object({ org_id: z.uuid().nullable() });

// ---- The current organisation ----
export const OrgSettings = z.object({
  allow_external_staff: z.boolean(),
  /** Minutes of inactivity after which a session in this organisation ends; null: the platform default. */
  session_idle_minutes: z.number().int().nullable(),
  money_unit: MoneyUnit,
});
export type OrgSettings = z.infer<typeof OrgSettings>;

export const OrgSettingsPatch = z.object({
  allow_external_staff: z.boolean().optional(),
  session_idle_minutes: z.number().int().min(1).max(43_200).nullable().optional(),
  money_unit: MoneyUnit.optional(),
});
export type OrgSettingsPatch = z.infer<typeof OrgSettingsPatch>;

export const Contact = z.object({ name: z.string().nullable(), phone: z.string() });

export const CurrentOrganisation = z.object({
  id: z.uuid(),
  slug: z.string(),
  name: z.string(),
  active: z.boolean(),
  settings: OrgSettings,
  assist: Contact.nullable(),
  my_roles: z.array(z.string()),
  my_permissions: z.array(z.string()),
  my_branch_ids: z.array(z.uuid()),
});
export type CurrentOrganisation = z.infer<typeof CurrentOrganisation>;

// ---- Branches and warehouses ----
export const Branch = z.object({
  id: z.uuid(),
  name: z.string(),
  code: z.string().nullable(),
  active: z.boolean(),
  is_central_branch: z.boolean(),
  is_central_warehouse: z.boolean(),
  is_reference: z.boolean(),
  address: z.string().nullable(),
  phone: z.string().nullable(),
  created_at: Time,
  updated_at: Time,
});
export type Branch = z.infer<typeof Branch>;

export const BranchInput = z.object({
  name: Text(200),
  code: Text(50).nullable().optional(),
  active: z.boolean().optional(),
  is_central_branch: z.boolean().optional(),
  is_central_warehouse: z.boolean().optional(),
  is_reference: z.boolean().optional(),
  address: Text(500).nullable().optional(),
  phone: Text(30).nullable().optional(),
});
export type BranchInput = z.infer<typeof BranchInput>;
export const BranchPatch = BranchInput.partial();
export type BranchPatch = z.infer<typeof BranchPatch>;

export const Warehouse = z.object({
  id: z.uuid(),
  branch_id: z.uuid(),
  name: z.string(),
  code: z.string().nullable(),
  active: z.boolean(),
  is_default: z.boolean(),
  created_at: Time,
  updated_at: Time,
});
export type Warehouse = z.infer<typeof Warehouse>;
/** A warehouse as other modules see it through the API (`branches.findWarehouse`): with its branch's state. */
export type WarehouseInBranch = Warehouse & { branch_active: boolean; branch_is_central_warehouse: boolean };

export const WarehouseInput = z.object({
  name: Text(200),
  code: Text(50).nullable().optional(),
  active: z.boolean().optional(),
  is_default: z.boolean().optional(),
});
export type WarehouseInput = z.infer<typeof WarehouseInput>;
export const WarehousePatch = WarehouseInput.partial();
export type WarehousePatch = z.infer<typeof WarehousePatch>;

// ---- Members ----
export const Member = z.object({
  membership_id: z.uuid(),
  user_id: z.uuid(),
  phone: z.string(),
  display_name: z.string().nullable(),
  roles: z.array(z.string()),
  manager_title: ManagerTitle.nullable(),
  branch_ids: z.array(z.uuid()),
  active: z.boolean(),
  created_at: Time,
});
export type Member = z.infer<typeof Member>;

export const MemberInput = z.object({
  phone: z.string().trim().min(5).max(30),
  display_name: Text(200).nullable().optional(),
  roles: z.array(RoleKey).min(1).max(20),
  manager_title: ManagerTitle.nullable().optional(),
  branch_ids: z.array(z.uuid()).max(1000).default([]),
});
export type MemberInput = z.infer<typeof MemberInput>;

export const MemberPatch = z.object({
  roles: z.array(RoleKey).min(1).max(20).optional(),
  manager_title: ManagerTitle.nullable().optional(),
  branch_ids: z.array(z.uuid()).max(1000).optional(),
  active: z.boolean().optional(),
});
export type MemberPatch = z.infer<typeof MemberPatch>;

export const AssignableRole = z.object({
  key: z.string(),
  label_key: z.string(),
  permissions: z.array(z.string()),
  /** Whether the caller may give (or take away) this role. */
  grantable: z.boolean(),
});
export const AssignableRoles = z.object({
  items: z.array(AssignableRole),
  manager_titles: z.array(z.object({ key: ManagerTitle, label_key: z.string() })),
});
export type AssignableRoles = z.infer<typeof AssignableRoles>;

// ---- Leads ("request a call") ----
export const LeadInput = z.object({
  name: Text(200),
  phone: z.string().trim().min(5).max(30).optional(),
  business: Text(200),
  city: Text(100),
  want: LeadWant,
  note: Text(2000).optional(),
});
export type LeadInput = z.infer<typeof LeadInput>;

export const Lead = z.object({
  id: z.uuid(),
  name: z.string(),
  phone: z.string(),
  business: z.string(),
  city: z.string(),
  want: LeadWant,
  note: z.string().nullable(),
  user_id: z.uuid().nullable(),
  status: LeadStatus,
  created_at: Time,
  updated_at: Time,
});
export type Lead = z.infer<typeof Lead>;

export const LeadCreated = z.object({ id: z.uuid() });
export const LeadQuery = z.object({
  status: LeadStatus.optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
});
export type LeadQuery = z.infer<typeof LeadQuery>;
export const LeadPage = z.object({ items: z.array(Lead), total: z.number().int() });
export const LeadPatch = z.object({ status: LeadStatus });

// ---- Platform: organisations ----
export const PlatformOrganisation = z.object({
  id: z.uuid(),
  slug: z.string(),
  name: z.string(),
  active: z.boolean(),
  allow_external_staff: z.boolean(),
  support_partner: Contact.extend({ user_id: z.uuid() }).nullable(),
  created_at: Time,
});
export type PlatformOrganisation = z.infer<typeof PlatformOrganisation>;

export const PlatformOrganisationQuery = z.object({
  q: z.string().trim().max(100).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
});
export type PlatformOrganisationQuery = z.infer<typeof PlatformOrganisationQuery>;
export const PlatformOrganisationPage = z.object({ items: z.array(PlatformOrganisation), total: z.number().int() });

export const Slug = z.string().trim().toLowerCase().regex(/^[a-z0-9][a-z0-9-]{1,38}[a-z0-9]$/);
export const PlatformOrganisationInput = z.object({
  slug: Slug,
  name: Text(200),
  owner_phone: z.string().trim().min(5).max(30),
  support_partner_phone: z.string().trim().min(5).max(30).optional(),
});
export type PlatformOrganisationInput = z.infer<typeof PlatformOrganisationInput>;

export const PlatformOrganisationPatch = z.object({
  name: Text(200).optional(),
  active: z.boolean().optional(),
  /** null removes the support partner. */
  support_partner_phone: z.string().trim().min(5).max(30).nullable().optional(),
});
export type PlatformOrganisationPatch = z.infer<typeof PlatformOrganisationPatch>;
