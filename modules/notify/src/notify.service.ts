import { AppError, assert, newId, actorUserId } from '@chaharsu/kit';
import type { Ctx } from '@chaharsu/http';
import { notificationRepository as repo, type NotificationRow } from './notify.repository.js';
import type { NotificationDto, NotificationPage, NotificationQuery } from './notify.contracts.js';
import './notify.errors.js';

/** What another module asks for: one message to several people of the context's organisation. */
export interface NotificationInput {
  /** Dotted event kind, e.g. `inventory.low_stock`; people will choose channels per kind. */
  kind: string;
  /** Translation key of the text; `params` fill its placeholders. */
  title_key: string;
  params?: Record<string, string | number | boolean | null>;
  /** An in-app path to open, e.g. `/inventory/low-stock`. */
  link?: string | null;
  entity_type?: string | null;
  entity_id?: string | null;
  /** While an unread notification with this key exists for a person, another one is not added. */
  dedupe_key?: string | null;
  recipient_user_ids: readonly string[];
}

export interface NotifyApi {
  /**
   * Stores the notification for every recipient in the caller's transaction (so it exists exactly when
   * the caller's change commits); returns the ids created (deduplicated recipients are skipped).
   */
  send(ctx: Ctx, input: NotificationInput): Promise<string[]>;
  listMine(ctx: Ctx, query: NotificationQuery): Promise<NotificationPage>;
  markRead(ctx: Ctx, id: string): Promise<NotificationDto>;
  markAllRead(ctx: Ctx, org_id?: string): Promise<number>;
}

const MAX_RECIPIENTS = 1000;

export function toNotificationDto(row: NotificationRow): NotificationDto {
  return {
    id: row.id,
    org_id: row.org_id,
    kind: row.kind,
    title_key: row.title_key,
    params: row.params,
    link: row.link,
    entity_type: row.entity_type,
    entity_id: row.entity_id,
    created_at: row.created_at.toISOString(),
    read_at: row.read_at ? row.read_at.toISOString() : null,
  };
}

function requireUser(ctx: Ctx): string {
  const user_id = actorUserId(ctx.actor);
  if (!user_id) throw new AppError('common.unauthenticated');
  return user_id;
}

export function createNotifyApi(): NotifyApi {
  return {
    async send(ctx, input) {
      assert(ctx.org_id, 'notify.send needs an organisation in the context');
      assert(input.recipient_user_ids.length <= MAX_RECIPIENTS, 'too many notification recipients');
      const recipients = [...new Set(input.recipient_user_ids)];
      const org_id = ctx.org_id;
      return repo.insertForRecipients(ctx.db, {
        org_id,
        kind: input.kind,
        title_key: input.title_key,
        params: input.params ?? {},
        link: input.link ?? null,
        entity_type: input.entity_type ?? null,
        entity_id: input.entity_id ?? null,
        dedupe_key: input.dedupe_key ?? null,
      }, recipients.map((user_id) => ({ id: newId(), user_id })));
    },
    async listMine(ctx, query) {
      const { rows, total, unread } = await repo.listForUser(ctx.db, requireUser(ctx), query);
      return { items: rows.map(toNotificationDto), total, unread_count: unread };
    },
    async markRead(ctx, id) {
      const row = await repo.markRead(ctx.db, requireUser(ctx), id);
      if (!row) throw new AppError('notify.not_found');
      return toNotificationDto(row);
    },
    async markAllRead(ctx, org_id) {
      return repo.markAllRead(ctx.db, requireUser(ctx), org_id);
    },
  };
}
