/**
 * What sellers and admins read: balance, statement with running balance (and its xlsx export), and
 * the credit-sales reconcile — the ledger's own proof plus, per seller, the ledger balance against the
 * figure the module's records give (approved requests + corrections − accepted charges).
 */
import { sql } from 'kysely';
import { setRlsScope } from '@chaharsu/db';
import { rlsScopeOf } from '@chaharsu/http';
import type { RequestContext } from '@chaharsu/kit';
import ExcelJS from 'exceljs';
import type { Ctx } from '@chaharsu/http';
import type { ReconcileReport, Statement, StatementQuery } from '@chaharsu/ledger';
import { money, orgOf, type Shared } from './credit-sales.shared.js';
import type { SellerRow } from './credit-sales.repository.js';

export const MAX_EXPORT_LINES = 100_000;

export interface SellerReconcileLine {
  seller_id: string; name: string; balance_rial: number; expected_rial: number;
  approved_rial: number; corrections_rial: number; sold_rial: number; ok: boolean;
}
export interface CreditSalesReconcile { ok: boolean; ledger: ReconcileReport; sellers: SellerReconcileLine[] }

const LABELS = {
  fa: { title: 'صورت‌حساب اعتبار', date: 'تاریخ', kind: 'شرح', amount: 'مبلغ (ریال)', balance: 'مانده (ریال)', reference: 'مرجع', memo: 'توضیح',
    kinds: { 'credit_sales.charge': 'فروش شارژ', 'credit_sales.credit_increase': 'افزایش اعتبار', 'credit_sales.correction_increase': 'اصلاح (افزایش)', 'credit_sales.correction_decrease': 'اصلاح (کاهش)' } },
  en: { title: 'Credit statement', date: 'Date', kind: 'Description', amount: 'Amount (Rial)', balance: 'Balance (Rial)', reference: 'Reference', memo: 'Memo',
    kinds: { 'credit_sales.charge': 'Top-up sale', 'credit_sales.credit_increase': 'Credit increase', 'credit_sales.correction_increase': 'Correction (increase)', 'credit_sales.correction_decrease': 'Correction (decrease)' } },
} as const;

function dateText(iso: string, locale: 'fa' | 'en'): string {
  const format = locale === 'fa'
    ? new Intl.DateTimeFormat('fa-IR-u-ca-persian', { dateStyle: 'short', timeStyle: 'medium', timeZone: 'Asia/Tehran' })
    : new Intl.DateTimeFormat('en-GB', { dateStyle: 'short', timeStyle: 'medium', timeZone: 'Asia/Tehran' });
  return format.format(new Date(iso));
}

export function createReportsService(shared: Shared) {
  const { ledger } = shared;
  return {
    async balance(ctx: Ctx, seller: Pick<SellerRow, 'credit_account_id'>): Promise<{ balance_rial: number }> {
      return { balance_rial: money(await ledger.balance(ctx, seller.credit_account_id)) };
    },

    async statement(ctx: Ctx, seller: Pick<SellerRow, 'credit_account_id'>, query: StatementQuery): Promise<Statement> {
      return ledger.statement(ctx, seller.credit_account_id, query);
    },

    /** The statement as an .xlsx workbook (right-to-left with Jalali dates in Persian). */
    async exportStatement(ctx: Ctx, seller: Pick<SellerRow, 'credit_account_id' | 'name'>, query: { from?: string; to?: string; locale?: 'fa' | 'en' }): Promise<Buffer> {
      const locale = query.locale ?? (ctx.locale === 'en' ? 'en' : 'fa');
      const labels = LABELS[locale];
      const workbook = new ExcelJS.Workbook();
      const sheet = workbook.addWorksheet(labels.title, { views: [{ rightToLeft: locale === 'fa', state: 'frozen', ySplit: 1 }] });
      sheet.columns = [
        { header: labels.date, key: 'date', width: 22 }, { header: labels.kind, key: 'kind', width: 24 },
        { header: labels.amount, key: 'amount', width: 18, style: { numFmt: '#,##0' } }, { header: labels.balance, key: 'balance', width: 18, style: { numFmt: '#,##0' } },
        { header: labels.reference, key: 'reference', width: 38 }, { header: labels.memo, key: 'memo', width: 40 },
      ];
      sheet.getRow(1).font = { bold: true };
      for (let offset = 0; offset < MAX_EXPORT_LINES; offset += 1000) {
        const page = await ledger.statement(ctx, seller.credit_account_id, { from: query.from, to: query.to, order: 'asc', limit: 1000, offset });
        for (const line of page.items) {
          sheet.addRow({
            date: dateText(line.created_at, locale), kind: (labels.kinds as Record<string, string>)[line.kind] ?? line.kind,
            amount: line.amount_rial, balance: line.balance_after_rial, reference: line.reference_id ?? '', memo: line.memo ?? '',
          });
        }
        if (page.items.length < 1000) break;
      }
      return Buffer.from(await workbook.xlsx.writeBuffer());
    },

    /** The reconcile in its own REPEATABLE READ transaction: every check reads the same snapshot, even under live load. */
    async reconcileSnapshot(base: RequestContext): Promise<CreditSalesReconcile> {
      return shared.db.transaction().setIsolationLevel('repeatable read').execute(async (tx) => {
        await setRlsScope(tx, rlsScopeOf(base));
        return this.reconcile({ ...base, db: tx });
      });
    },

    async reconcile(ctx: Ctx): Promise<CreditSalesReconcile> {
      const org_id = orgOf(ctx);
      const report = await ledger.reconcile(ctx);
      const { rows } = await sql<{ id: string; name: string; credit_account_id: string; approved: bigint; corrections: bigint; sold: bigint }>`
        select s.id, s.name, s.credit_account_id,
          coalesce((select sum(r.amount_rial) from credit_sales.credit_request r where r.org_id = s.org_id and r.seller_id = s.id and r.status = 'approved'), 0)::bigint as approved,
          coalesce((select sum(case c.direction when 'increase' then c.amount_rial else -c.amount_rial end) from credit_sales.correction c
                    where c.org_id = s.org_id and c.seller_id = s.id), 0)::bigint as corrections,
          coalesce((select sum(c.amount_rial) from credit_sales.charge c where c.org_id = s.org_id and c.seller_id = s.id and c.status = 'accepted'), 0)::bigint as sold
        from credit_sales.seller s where s.org_id = ${org_id} order by s.name limit 10000`.execute(ctx.db);
      const balances = new Map((await ledger.getAccounts(ctx, rows.map((r) => r.credit_account_id))).map((a) => [a.id, a.balance_rial]));
      const sellers = rows.map((r) => {
        const expected = r.approved + r.corrections - r.sold;
        const balance = balances.get(r.credit_account_id) ?? 0;
        return {
          seller_id: r.id, name: r.name, balance_rial: balance, expected_rial: money(expected), approved_rial: money(r.approved),
          corrections_rial: money(r.corrections), sold_rial: money(r.sold), ok: BigInt(balance) === expected && balance >= 0,
        };
      });
      return { ok: report.ok && sellers.every((s) => s.ok), ledger: report, sellers };
    },
  };
}
export type ReportsService = ReturnType<typeof createReportsService>;
