/**
 * Operator commands of credit sales, run by apps/server/src/cli.ts:
 *   credit-sales:create-seller --org <slug> --name <name> [--credit <rial>] [--key-name <name>]
 * Creates the seller, issues an API key, and — with --credit — files a credit-increase request and
 * approves it (the same path as the admin screen: the credit is a ledger transfer referenced by an
 * approved request). Prints JSON with the seller id and the new key (shown once).
 */
import { AppError } from '@chaharsu/kit';
import type { Ctx } from '@chaharsu/http';
import type { CreditSalesApi } from './index.js';
import { MAX_CREDIT_REQUEST_RIAL } from './credit-sales.contracts.js';

export interface CliDeps {
  api: CreditSalesApi;
  /** Runs `fn` in one transaction as the system, scoped to the organisation with this slug. */
  inOrganisation<T>(slug: string, fn: (ctx: Ctx) => Promise<T>): Promise<T>;
}

export function parseFlags(args: string[]): Map<string, string> {
  const flags = new Map<string, string>();
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (!arg.startsWith('--')) throw new Error(`unexpected argument "${arg}"`);
    const [name, inline] = arg.slice(2).split(/=(.*)/s, 2) as [string, string | undefined];
    const value = inline ?? args[++i];
    if (value === undefined) throw new Error(`--${name} needs a value`);
    flags.set(name, value);
  }
  return flags;
}

export async function createSellerCommand(deps: CliDeps, args: string[]): Promise<unknown> {
  const flags = parseFlags(args);
  const slug = flags.get('org');
  const name = flags.get('name');
  if (!slug || !name) throw new Error('usage: credit-sales:create-seller --org <slug> --name <name> [--credit <rial>] [--key-name <name>]');
  const creditText = flags.get('credit');
  const credit = creditText === undefined ? 0 : Number(creditText.replace(/[,_]/g, ''));
  if (!Number.isSafeInteger(credit) || credit < 0 || credit > MAX_CREDIT_REQUEST_RIAL) throw new Error(`--credit must be a whole number of Rial between 0 and ${MAX_CREDIT_REQUEST_RIAL}`);
  return deps.inOrganisation(slug, async (ctx) => {
    const seller = await deps.api.sellers.create(ctx, { name });
    let request_id: string | null = null;
    if (credit > 0) {
      const request = await deps.api.requests.file(ctx, seller.id, { amount_rial: credit, note: 'credit given with the seller (CLI)' });
      request_id = (await deps.api.requests.approve(ctx, request.id, 'CLI')).id;
    }
    const key = await deps.api.sellers.createApiKey(ctx, seller.id, flags.get('key-name') ?? 'cli');
    const balance = await deps.api.reports.balance(ctx, seller);
    return { org: slug, seller_id: seller.id, name: seller.name, balance_rial: balance.balance_rial, credit_request_id: request_id, api_key: { id: key.id, key: key.key } };
  }).catch((error: unknown) => {
    if (error instanceof AppError) throw new Error(`${error.code}${Object.keys(error.params).length ? ` ${JSON.stringify(error.params)}` : ''}`);
    throw error;
  });
}

export const creditSalesCommands = {
  'credit-sales:create-seller': createSellerCommand,
} as const;
