import { z } from 'zod';

export const NotificationDto = z.object({
  id: z.string(),
  org_id: z.string(),
  kind: z.string(),
  title_key: z.string(),
  params: z.record(z.string(), z.unknown()),
  link: z.string().nullable(),
  entity_type: z.string().nullable(),
  entity_id: z.string().nullable(),
  created_at: z.string(),
  read_at: z.string().nullable(),
});
export type NotificationDto = z.infer<typeof NotificationDto>;

export const NotificationQuery = z.object({
  unread_only: z.enum(['true', 'false']).default('false').transform((v) => v === 'true'),
  org_id: z.uuid().optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).max(100_000).default(0),
});
export type NotificationQuery = z.infer<typeof NotificationQuery>;

export const NotificationPage = z.object({
  items: z.array(NotificationDto),
  total: z.number().int(),
  unread_count: z.number().int(),
});
export type NotificationPage = z.infer<typeof NotificationPage>;

export const MarkAllReadBody = z.object({ org_id: z.uuid().optional() });
export const MarkedCount = z.object({ marked: z.number().int() });
