/**
 * The demo world, created on the first start (SEED_DEMO=true) through the modules' own APIs, in one
 * transaction: either all of it exists or none. Idempotent: nothing happens when organisation `demo`
 * exists; two instances starting together serialise on an advisory lock.
 *
 * Later modules add their demo data as a `DemoSeedStep` (see `demoSeedSteps` in modules.ts): a step gets
 * the world created here (organisations, branches, warehouses, people) and a `run` helper giving a
 * context in either organisation.
 */
import type { Logger } from 'pino';
import { sql } from 'kysely';
import { inTransaction, setRlsScope, type Db, type Tx } from '@chaharsu/db';
import { systemContext, type Actor } from '@chaharsu/kit';
import type { Ctx } from '@chaharsu/http';
import type { IdentityApi, UserDto } from '@chaharsu/identity';
import type { OrgsApi, Branch, Warehouse } from '@chaharsu/orgs';

export interface DemoOrganisation {
  org_id: string;
  slug: string;
  name: string;
  branches: Branch[];
  /** Warehouses by branch id. */
  warehouses: Record<string, Warehouse[]>;
}

export interface DemoWorld {
  people: {
    platform_admin: UserDto;
    support_partner: UserDto;
    demo_owner: UserDto;
    demo_accountant: UserDto;
    demo_staff: UserDto;
    in_both: UserDto;
    demo2_owner: UserDto;
    in_none: UserDto;
  };
  demo: DemoOrganisation;
  demo2: DemoOrganisation;
}

export interface DemoSeedTools {
  /** Runs `fn` in the seed's transaction as the system (or as `as_user`), scoped to `org_id`. */
  run<T>(org_id: string | null, fn: (ctx: Ctx) => Promise<T>, as_user?: UserDto): Promise<T>;
  logger: Logger;
}

/** One module's demo data; returns extra lines for the start-up log (or nothing). */
export type DemoSeedStep = (world: DemoWorld, tools: DemoSeedTools) => Promise<string[] | void>;

export interface SeedDemoDeps {
  db: Db;
  logger: Logger;
  identity: IdentityApi;
  orgs: OrgsApi;
  steps: readonly DemoSeedStep[];
  /** Where people open the product (PUBLIC_URL), or null: the log shows the listening address itself. */
  base_url: string | null;
  sms_provider: string;
}

export const DEMO_PHONES = {
  platform_admin: '09120000001',
  support_partner: '09120000002',
  demo_owner: '09120000010',
  demo_accountant: '09120000011',
  demo_staff: '09120000012',
  in_both: '09120000020',
  demo2_owner: '09120000030',
  in_none: '09120000099',
} as const;

function toolsFor(tx: Tx, logger: Logger): DemoSeedTools {
  const base = systemContext(logger, 'seed-demo');
  return {
    logger,
    async run(org_id, fn, as_user) {
      const actor: Actor = as_user
        ? { kind: 'user', user_id: as_user.id, session_id: null, is_platform_admin: as_user.is_platform_admin, is_support_partner: as_user.is_support_partner }
        : base.actor;
      await setRlsScope(tx, { org_id, user_id: as_user?.id ?? null });
      return fn({ ...base, actor, org_id, db: tx });
    },
  };
}

async function people(identity: IdentityApi, tools: DemoSeedTools): Promise<DemoWorld['people']> {
  const person = (phone: string, name: string): Promise<UserDto> => tools.run(null, (ctx) => identity.findOrCreateUserByPhone(ctx, phone, name));
  const admin = await person(DEMO_PHONES.platform_admin, 'مدیر سامانه');
  const partner = await person(DEMO_PHONES.support_partner, 'شرکت پشتیبان نمونه');
  return {
    platform_admin: await tools.run(null, (ctx) => identity.setPlatformRoles(ctx, admin.id, { is_platform_admin: true })),
    support_partner: await tools.run(null, (ctx) => identity.setPlatformRoles(ctx, partner.id, { is_support_partner: true })),
    demo_owner: await person(DEMO_PHONES.demo_owner, 'مریم صاحب‌کار'),
    demo_accountant: await person(DEMO_PHONES.demo_accountant, 'علی حسابدار'),
    demo_staff: await person(DEMO_PHONES.demo_staff, 'سارا فروشنده'),
    in_both: await person(DEMO_PHONES.in_both, 'رضا دوجا'),
    demo2_owner: await person(DEMO_PHONES.demo2_owner, 'حسین پخش‌کننده'),
    in_none: await person(DEMO_PHONES.in_none, 'نگار بی‌نقش'),
  };
}

interface BranchPlan { name: string; code: string; address: string; phone: string; flags: Partial<Record<'is_central_branch' | 'is_central_warehouse' | 'is_reference', boolean>>; warehouse: string }

async function organisation(orgs: OrgsApi, tools: DemoSeedTools, input: { slug: string; name: string; owner_phone: string; support_partner_phone?: string }, plans: BranchPlan[]): Promise<DemoOrganisation> {
  const created = await tools.run(null, (ctx) => orgs.organisations.createOrganisation(ctx, input));
  const branches: Branch[] = [];
  const warehouses: Record<string, Warehouse[]> = {};
  for (const plan of plans) {
    const branch = await tools.run(created.id, (ctx) => orgs.branches.createBranch(ctx, { name: plan.name, code: plan.code, address: plan.address, phone: plan.phone, ...plan.flags }));
    branches.push(branch);
    warehouses[branch.id] = [await tools.run(created.id, (ctx) => orgs.branches.createWarehouse(ctx, branch.id, { name: plan.warehouse, code: `${plan.code}-1` }))];
  }
  return { org_id: created.id, slug: created.slug, name: created.name, branches, warehouses };
}

async function buildWorld(deps: SeedDemoDeps, tools: DemoSeedTools): Promise<DemoWorld> {
  const { orgs } = deps;
  const who = await people(deps.identity, tools);
  const demo = await organisation(orgs, tools, { slug: 'demo', name: 'فروشگاه‌های زنجیره‌ای نمونه', owner_phone: DEMO_PHONES.demo_owner, support_partner_phone: DEMO_PHONES.support_partner }, [
    { name: 'شعبه مرکزی میدان انقلاب', code: 'D01', address: 'تهران، میدان انقلاب، خیابان کارگر', phone: '02166400001', flags: { is_central_branch: true, is_central_warehouse: true }, warehouse: 'انبار مرکزی انقلاب' },
    { name: 'شعبه مرجع تجریش', code: 'D02', address: 'تهران، تجریش، خیابان دربند', phone: '02122700002', flags: { is_reference: true }, warehouse: 'انبار فروشگاه تجریش' },
    { name: 'شعبه نارمک', code: 'D03', address: 'تهران، نارمک، میدان هفت حوض', phone: '02177900003', flags: {}, warehouse: 'انبار فروشگاه نارمک' },
  ]);
  const demo2 = await organisation(orgs, tools, { slug: 'demo-2', name: 'پخش نمونه ۲', owner_phone: DEMO_PHONES.demo2_owner }, [
    { name: 'دفتر مرکزی پخش اصفهان', code: 'P-ISF', address: 'اصفهان، خیابان چهارباغ بالا', phone: '03136200001', flags: { is_central_branch: true, is_central_warehouse: true, is_reference: true }, warehouse: 'انبار پخش سپاهان' },
    { name: 'نمایندگی پخش شیراز', code: 'P-SHZ', address: 'شیراز، بلوار زند', phone: '07132300002', flags: {}, warehouse: 'انبار پخش پارس' },
  ]);
  const [central, reference, third] = demo.branches;
  await tools.run(demo.org_id, async (ctx) => {
    await orgs.organisations.updateSettings(ctx, { allow_external_staff: true });
    await orgs.members.addMember(ctx, { phone: DEMO_PHONES.demo_accountant, roles: ['manager'], manager_title: 'accountant', branch_ids: demo.branches.map((b) => b.id) });
    await orgs.members.addMember(ctx, { phone: DEMO_PHONES.demo_staff, roles: ['staff'], branch_ids: [reference?.id, third?.id].filter((id): id is string => !!id) });
    await orgs.members.addMember(ctx, { phone: DEMO_PHONES.in_both, roles: ['staff'], branch_ids: central ? [central.id] : [] });
  });
  await tools.run(demo2.org_id, (ctx) => orgs.members.addMember(ctx, { phone: DEMO_PHONES.in_both, roles: ['manager'], manager_title: 'supervisor', branch_ids: demo2.branches.map((b) => b.id) }));
  await tools.run(null, (ctx) => orgs.organisations.setDefaultOrganisation(ctx, demo.org_id), who.in_both);
  return { people: who, demo, demo2 };
}

function signInLines(deps: SeedDemoDeps, world: DemoWorld): string[] {
  const where = deps.base_url ?? 'Chaharsu (the address in the line "Chaharsu is running")';
  const inbox = deps.base_url ? `${deps.base_url}/dev/inbox` : 'the page /dev/inbox';
  const code = deps.sms_provider === 'dev'
    ? `the one-time code appears in this server log and on ${inbox} (dev SMS provider)`
    : `the one-time code is sent by SMS (${deps.sms_provider})`;
  return [
    `Demo data created: «${world.demo.name}» (demo) and «${world.demo2.name}» (demo-2).`,
    `Open ${where} and sign in with one of these mobile numbers; ${code}.`,
    `  platform admin ${DEMO_PHONES.platform_admin} · support partner of demo ${DEMO_PHONES.support_partner}`,
    `  demo: owner ${DEMO_PHONES.demo_owner} · manager (accountant) ${DEMO_PHONES.demo_accountant} · staff ${DEMO_PHONES.demo_staff}`,
    `  demo-2: owner ${DEMO_PHONES.demo2_owner}`,
    `  in both (staff in demo, manager in demo-2, default demo) ${DEMO_PHONES.in_both} · in none (the request-a-call page) ${DEMO_PHONES.in_none}`,
  ];
}

/** Creates the demo world unless organisation `demo` exists; returns the start-up log lines (null: nothing done). */
export async function seedDemo(deps: SeedDemoDeps): Promise<string[] | null> {
  return inTransaction(deps.db, { org_id: null, user_id: null, platform_admin: true }, async (tx) => {
    await sql`select pg_advisory_xact_lock(hashtext('chaharsu.seed-demo'))`.execute(tx);
    // Seen across organisations only for this check (the scope of the transaction says platform admin).
    const existing = await deps.orgs.organisations.findOrganisationBySlug({ ...systemContext(deps.logger, 'seed-demo'), db: tx }, 'demo');
    if (existing) return null;
    const tools = toolsFor(tx, deps.logger);
    const world = await buildWorld(deps, tools);
    const lines = signInLines(deps, world);
    for (const step of deps.steps) {
      const extra = await step(world, tools);
      if (extra) lines.push(...extra);
    }
    return lines;
  });
}
