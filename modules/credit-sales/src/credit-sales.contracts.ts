/**
 * Request/response schemas of credit sales (the web client and seller integrations use them).
 * The seller API under /api/credit-sales/v1 is versioned and stable: fields are only ever added.
 */
import { z } from 'zod';

/** Rial amount in JSON: validated as a domain rule (code credit_sales.invalid_amount), so any number passes the schema. */
const AnyAmount = z.number();
export const MIN_CHARGE_RIAL = 1_000;
export const MAX_CHARGE_RIAL = 100_000_000;
export const MAX_CREDIT_REQUEST_RIAL = 100_000_000_000;
export const MAX_RECEIPT_BYTES = 2 * 1024 * 1024;

export const ChargeInput = z.object({
  phone: z.string().max(64).describe('Iranian mobile number, e.g. 09121234567 (also +98…, Persian digits)'),
  amount_rial: AnyAmount.describe(`Integer Rial, ${MIN_CHARGE_RIAL}–${MAX_CHARGE_RIAL}`),
});
export type ChargeInput = z.infer<typeof ChargeInput>;

export const ChargeDto = z.object({
  id: z.uuid(),
  phone: z.string(),
  amount_rial: z.number().int(),
  balance_after_rial: z.number().int(),
  created_at: z.string(),
});
export type ChargeDto = z.infer<typeof ChargeDto>;

export const ChargeListItem = ChargeDto.extend({
  operator: z.string(),
  status: z.enum(['accepted', 'refused']),
  idempotency_key: z.string(),
  balance_after_rial: z.number().int().nullable(),
});
export type ChargeListItem = z.infer<typeof ChargeListItem>;

export const ChargesQuery = z.object({
  phone: z.string().max(32).optional(),
  status: z.enum(['accepted', 'refused']).optional(),
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  offset: z.coerce.number().int().min(0).max(10_000_000).default(0),
});
export type ChargesQuery = z.infer<typeof ChargesQuery>;
export const ChargePage = z.object({ items: z.array(ChargeListItem), total: z.number().int() });

export const BalanceDto = z.object({ balance_rial: z.number().int() });

export const SellerDto = z.object({
  id: z.uuid(),
  name: z.string(),
  contact_phone: z.string().nullable(),
  status: z.enum(['active', 'suspended']),
  balance_rial: z.number().int(),
  credit_account_id: z.uuid(),
  sales_account_id: z.uuid(),
  created_at: z.string(),
});
export type SellerDto = z.infer<typeof SellerDto>;
export const SellerPage = z.object({ items: z.array(SellerDto), total: z.number().int() });

export const SellerInput = z.object({
  name: z.string().trim().min(1).max(200),
  contact_phone: z.string().max(32).nullable().optional(),
});
export type SellerInput = z.infer<typeof SellerInput>;
export const SellerUpdate = z.object({
  name: z.string().trim().min(1).max(200).optional(),
  contact_phone: z.string().max(32).nullable().optional(),
  status: z.enum(['active', 'suspended']).optional(),
});
export type SellerUpdate = z.infer<typeof SellerUpdate>;
export const SellersQuery = z.object({
  search: z.string().max(100).optional(),
  status: z.enum(['active', 'suspended']).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  offset: z.coerce.number().int().min(0).max(10_000_000).default(0),
});
export type SellersQuery = z.infer<typeof SellersQuery>;

export const SellerUserInput = z.object({ user_id: z.uuid() });
export const SellerUserDto = z.object({ user_id: z.uuid(), seller_id: z.uuid(), created_at: z.string() });

export const ReceiptInput = z.object({
  content_type: z.enum(['image/png', 'image/jpeg', 'application/pdf']),
  /** The file, base64; at most 2 MiB decoded. */
  data_base64: z.string().max(Math.ceil((MAX_RECEIPT_BYTES * 4) / 3) + 8),
});
export const CreditRequestInput = z.object({
  amount_rial: AnyAmount,
  note: z.string().trim().max(1000).nullable().optional(),
  receipt: ReceiptInput.nullable().optional(),
});
export type CreditRequestInput = z.infer<typeof CreditRequestInput>;

export const CreditRequestDto = z.object({
  id: z.uuid(),
  seller_id: z.uuid(),
  seller_name: z.string(),
  amount_rial: z.number().int(),
  note: z.string().nullable(),
  status: z.enum(['pending', 'approved', 'rejected']),
  has_receipt: z.boolean(),
  created_at: z.string(),
  decided_at: z.string().nullable(),
  decision_note: z.string().nullable(),
  transfer_id: z.uuid().nullable(),
});
export type CreditRequestDto = z.infer<typeof CreditRequestDto>;
export const CreditRequestPage = z.object({ items: z.array(CreditRequestDto), total: z.number().int() });
export const CreditRequestsQuery = z.object({
  status: z.enum(['pending', 'approved', 'rejected']).optional(),
  seller_id: z.uuid().optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  offset: z.coerce.number().int().min(0).max(10_000_000).default(0),
});
export type CreditRequestsQuery = z.infer<typeof CreditRequestsQuery>;
export const DecisionInput = z.object({ note: z.string().trim().max(1000).nullable().optional() });

export const CorrectionInput = z.object({
  direction: z.enum(['increase', 'decrease']),
  amount_rial: AnyAmount,
  reason: z.string().trim().min(3).max(1000),
  /** Made by the form when it opens: a retried submit adds nothing. */
  idempotency_key: z.string().min(1).max(64),
});
export type CorrectionInput = z.infer<typeof CorrectionInput>;
export const CorrectionDto = z.object({
  id: z.uuid(),
  seller_id: z.uuid(),
  direction: z.enum(['increase', 'decrease']),
  amount_rial: z.number().int(),
  reason: z.string(),
  transfer_id: z.uuid(),
  balance_after_rial: z.number().int().nullable(),
  created_at: z.string(),
});
export type CorrectionDto = z.infer<typeof CorrectionDto>;
export const CorrectionPage = z.object({ items: z.array(CorrectionDto), total: z.number().int() });

export const ApiKeyInput = z.object({ name: z.string().trim().min(1).max(100) });
export const ApiKeyDto = z.object({ id: z.uuid(), name: z.string(), key_prefix: z.string(), created_at: z.string(), revoked_at: z.string().nullable() });
export type ApiKeyDto = z.infer<typeof ApiKeyDto>;
/** The secret is shown once, at creation. */
export const NewApiKeyDto = ApiKeyDto.extend({ key: z.string() });
export const ApiKeyList = z.object({ items: z.array(ApiKeyDto) });

export const PortalSellerDto = SellerDto;
export const StatementExportQuery = z.object({
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
  locale: z.enum(['fa', 'en']).optional(),
});
