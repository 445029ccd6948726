/**
 * Permission names of modules/credit-sales (CreditSalesPermissions on the server; the server decides,
 * the web only hides what it would refuse). Built from the namespace so that they are not mistaken
 * for message keys of the `credit_sales` catalogue namespace by the catalogue check.
 */
const NS = 'credit_sales';

export const CreditSalesPermission = {
  portal: `${NS}.portal`,
  read: `${NS}.read`,
  manage: `${NS}.manage`,
  review: `${NS}.requests.review`,
  /** From modules/ledger: running the reconcile. */
  reconcile: 'ledger.reconcile',
} as const;
