import type { ModuleDefinition } from '@chaharsu/http';
import { notifyMigrations } from './migrations/index.js';
import { notifyRoutes } from './notify.routes.js';
import { createNotifyApi, type NotifyApi } from './notify.service.js';

export * from './notify.contracts.js';
export type { NotifyApi, NotificationInput } from './notify.service.js';
export { createNotifyApi } from './notify.service.js';
export { NotifyErrors } from './notify.errors.js';

/** The PostgreSQL channel a committed notification is announced on (payload: {org_id, id, user_id}). */
export const NOTIFICATION_CHANNEL = 'chaharsu_notification';

export function createNotifyModule(api: NotifyApi = createNotifyApi()): ModuleDefinition & { api: NotifyApi } {
  return { name: 'notify', api, migrations: notifyMigrations, routes: notifyRoutes(api) };
}
