import { IdParams, type App } from '@chaharsu/http';
import { MarkAllReadBody, MarkedCount, NotificationDto, NotificationPage, NotificationQuery } from './notify.contracts.js';
import type { NotifyApi } from './notify.service.js';

/** A person's own notifications, from every organisation they belong to (row-level security: user_id). */
export function notifyRoutes(api: NotifyApi) {
  return (app: App): void => {
    app.get('/api/me/notifications', {
      schema: { tags: ['notify'], querystring: NotificationQuery, response: { 200: NotificationPage } },
      config: { access: { auth: 'session' } },
    }, (req) => req.tx((ctx) => api.listMine(ctx, req.query)));

    app.post('/api/me/notifications/:id/read', {
      schema: { tags: ['notify'], params: IdParams, response: { 200: NotificationDto } },
      config: { access: { auth: 'session' } },
    }, (req) => req.tx((ctx) => api.markRead(ctx, req.params.id)));

    app.post('/api/me/notifications/read-all', {
      schema: { tags: ['notify'], body: MarkAllReadBody, response: { 200: MarkedCount } },
      config: { access: { auth: 'session' } },
    }, (req) => req.tx(async (ctx) => ({ marked: await api.markAllRead(ctx, req.body.org_id) })));
  };
}
