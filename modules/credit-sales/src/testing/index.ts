/**
 * Demo data and test factories for credit sales, made through the module's own services.
 * `seedCreditSalesDemo` is the demo-seed step the composition root runs after the organisations exist.
 */
import type { Ctx } from '@chaharsu/http';
import type { CreditSalesApi } from '../index.js';

export interface CreditSalesDemoWorld {
  demo: { org_id: string };
  demo2: { org_id: string };
}
export interface CreditSalesDemoTools {
  run<T>(org_id: string | null, fn: (ctx: Ctx) => Promise<T>): Promise<T>;
}

const DEMO_SELLERS: Record<'demo' | 'demo2', Array<{ name: string; contact_phone: string; approved_rial: number; pending_rial: number }>> = {
  demo: [
    { name: 'شارژ سریع پارس', contact_phone: '09121110001', approved_rial: 50_000_000, pending_rial: 20_000_000 },
    { name: 'موبایل‌شاپ آرمان', contact_phone: '09351110002', approved_rial: 10_000_000, pending_rial: 5_000_000 },
  ],
  demo2: [
    { name: 'پخش شارژ سپاهان', contact_phone: '09131110003', approved_rial: 30_000_000, pending_rial: 0 },
  ],
};

/** The people (role `seller`) who open the seller portal of each organisation's first demo seller. */
export const DEMO_SELLER_PEOPLE = {
  demo: { phone: '09120000040', display_name: 'فروشنده نمونه' },
  demo2: { phone: '09120000041', display_name: 'فروشنده نمونه ۲' },
} as const;

/**
 * Sellers in both demo organisations, each with an approved credit increase (and some a pending one).
 * `sellerPerson` (optional) makes a person with the `seller` role in the organisation and returns their
 * user id; the first seller of each organisation is linked to that person for the seller portal.
 */
export async function seedCreditSalesDemo(
  api: CreditSalesApi,
  world: CreditSalesDemoWorld,
  tools: CreditSalesDemoTools,
  sellerPerson?: (person: { phone: string; display_name: string }, ctx: Ctx) => Promise<string | null>,
): Promise<string[]> {
  const lines: string[] = [];
  for (const org of ['demo', 'demo2'] as const) {
    const org_id = world[org].org_id;
    for (const [index, plan] of DEMO_SELLERS[org].entries()) {
      const seller = await tools.run(org_id, (ctx) => api.sellers.create(ctx, { name: plan.name, contact_phone: plan.contact_phone }));
      const approved = await tools.run(org_id, (ctx) => api.requests.file(ctx, seller.id, { amount_rial: plan.approved_rial, note: 'اعتبار اولیه (نمونه)' }));
      await tools.run(org_id, (ctx) => api.requests.approve(ctx, approved.id, 'تایید نمونه'));
      if (plan.pending_rial > 0) await tools.run(org_id, (ctx) => api.requests.file(ctx, seller.id, { amount_rial: plan.pending_rial, note: 'درخواست در انتظار (نمونه)' }));
      if (index === 0 && sellerPerson) {
        const user_id = await tools.run(org_id, (ctx) => sellerPerson(DEMO_SELLER_PEOPLE[org], ctx));
        if (user_id) await tools.run(org_id, (ctx) => api.sellers.linkUser(ctx, seller.id, user_id));
      }
    }
  }
  lines.push('Credit sales: demo sellers with credit in both organisations; API keys from the seller portal or `npm run cli -- credit-sales:create-seller`.');
  if (sellerPerson) lines.push(`  seller portal: ${DEMO_SELLER_PEOPLE.demo.phone} (demo) · ${DEMO_SELLER_PEOPLE.demo2.phone} (demo-2)`);
  return lines;
}
