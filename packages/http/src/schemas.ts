import { z } from 'zod';
import { toLatinDigits } from '@chaharsu/kit';

/** Shared request/response pieces. Field names are snake_case end to end. */
export const Uuid = z.uuid();
export const IdParams = z.object({ id: z.uuid() });

export const Problem = z.object({
  type: z.string(),
  title: z.string(),
  status: z.number().int(),
  code: z.string(),
  detail: z.string().optional(),
  params: z.record(z.string(), z.unknown()).optional(),
  errors: z.array(z.object({ path: z.string(), code: z.string(), params: z.record(z.string(), z.unknown()).optional() })).optional(),
  request_id: z.string().optional(),
});

export const PageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(50),
  offset: z.coerce.number().int().min(0).max(10_000_000).default(0),
});

export function page<T extends z.ZodType>(item: T) {
  return z.object({ items: z.array(item), total: z.number().int() });
}

/** A Rial amount: a positive integer, Persian/Arabic digits accepted in strings. */
export const AmountRial = z.preprocess(
  (v) => (typeof v === 'string' ? Number(toLatinDigits(v).replace(/[,٬\s]/g, '')) : v),
  z.number().int().positive().max(Number.MAX_SAFE_INTEGER),
);

/** A moment in responses: ISO 8601 text (services convert Dates; response schemas must not transform). */
export const Timestamp = z.string();

export const Ok = z.object({ ok: z.literal(true) });
