/**
 * The content module: translation overrides over the bundled catalogues, and the help guide of every page.
 * Platform-wide data (no organisation); edited by a platform admin; every change is audited.
 */
import type { AuditApi } from '@chaharsu/audit';
import type { ModuleDefinition } from '@chaharsu/http';
import { defaultMessages } from '@chaharsu/i18n';
import { contentMigrations } from './migrations/index.js';
import { contentRoutes } from './content.routes.js';
import { createContentService, type ContentService, type DefaultCatalogue } from './content.service.js';
import './content.errors.js';

export * from './content.contracts.js';
export { ContentErrors } from './content.errors.js';
export { placeholdersOf, placeholderDifference } from './placeholders.js';
export type { ContentService, DefaultCatalogue } from './content.service.js';

export type ContentApi = ContentService;

export interface ContentModuleDeps {
  audit: AuditApi;
  /** The default texts; the bundled catalogues of @chaharsu/i18n unless a test gives its own. */
  defaults?: DefaultCatalogue;
}

export function createContentModule(deps: ContentModuleDeps): ModuleDefinition & { api: ContentApi } {
  const api = createContentService({ audit: deps.audit, defaults: deps.defaults ?? defaultMessages });
  return { name: 'content', api, migrations: contentMigrations, routes: contentRoutes(api) };
}
