/**
 * The credit-sales screens' texts: every error code the credit-sales and ledger modules register has a
 * message in Persian and English (a refused charge or correction is shown in words, never as a code), and
 * the keys the screens build from data (statement kinds, operators, statuses, reconcile problems) exist.
 */
import { describe, expect, it } from 'vitest';
import { registeredErrorCodes } from '@chaharsu/kit';
import { catalogues, flattenCatalogue } from '@chaharsu/i18n';
import { CreditSalesErrors } from '../../../../../modules/credit-sales/src/credit-sales.errors';
import { LedgerErrors } from '../../../../../modules/ledger/src/ledger.errors';
import { OPERATORS } from '../../../../../modules/credit-sales/src/phone';
import { ReconcileProblem } from '../../../../../modules/ledger/src/ledger.contracts';
import { kindKey } from './common';

const flat = { fa: flattenCatalogue(catalogues.fa), en: flattenCatalogue(catalogues.en) };
const missing = (keys: string[]) => keys.filter((k) => !(k in flat.fa) || !(k in flat.en));

describe('credit-sales catalogue', () => {
  it('translates every credit_sales.* and ledger.* error code', () => {
    expect(Object.keys(CreditSalesErrors).length + Object.keys(LedgerErrors).length).toBeGreaterThan(0);
    const codes = registeredErrorCodes().filter((c) => /^(credit_sales|ledger)\./.test(c));
    expect(codes).toContain('credit_sales.correction_would_go_negative');
    expect(codes).toContain('ledger.insufficient_funds');
    expect(missing(codes.map((c) => `errors.${c}`))).toEqual([]);
  });

  it('has the keys the screens build from data', () => {
    const kinds = ['credit_sales.charge', 'credit_sales.credit_increase', 'credit_sales.correction_increase', 'credit_sales.correction_decrease'].map(kindKey);
    const operators = OPERATORS.map((o) => `credit_sales.operators.${o}`);
    const statuses = [
      ...['pending', 'approved', 'rejected'].flatMap((s) => [`credit_sales.request_status.${s}`, `credit_sales.request_filter.${s}`]),
      'credit_sales.request_filter.all',
      ...['active', 'suspended'].map((s) => `credit_sales.seller_status.${s}`),
      ...['accepted', 'refused'].map((s) => `credit_sales.charge_status.${s}`),
      ...['increase', 'decrease'].map((d) => `credit_sales.direction.${d}`),
    ];
    const problems = ReconcileProblem.shape.kind.options.map((k) => `credit_sales.reconcile.kinds.${k}`);
    expect(missing([...kinds, ...operators, ...statuses, ...problems])).toEqual([]);
  });
});
