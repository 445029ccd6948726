import { describe, expect, it } from 'vitest';
import { AppError } from '@chaharsu/kit';
import './warehouse.errors.js';
import { orgBackups } from './warehouse.routes.js';
import type { Backups } from './backup.js';

const backups = { folder: '/backups' } as Backups;
const codeOf = (promise: Promise<unknown>) => promise.then(() => 'allowed', (error: unknown) => (error instanceof AppError ? error.code : 'crash'));

describe('who may reach whole-database backups through the organisation routes', () => {
  it('an organisation\'s admin, only while the database holds that one organisation (default)', async () => {
    expect(await codeOf(orgBackups(backups, { policy: 'single_org', organisation_count: async () => 1 }))).toBe('allowed');
    expect(await codeOf(orgBackups(backups, { policy: 'single_org', organisation_count: async () => 2 }))).toBe('warehouse.backup_multi_tenant');
  });

  it('always on a dedicated installation, never on the shared platform, and not at all without a backup connection', async () => {
    expect(await codeOf(orgBackups(backups, { policy: 'always', organisation_count: async () => 5 }))).toBe('allowed');
    expect(await codeOf(orgBackups(backups, { policy: 'never', organisation_count: async () => 1 }))).toBe('warehouse.backup_not_configured');
    expect(await codeOf(orgBackups(null, { policy: 'always', organisation_count: async () => 1 }))).toBe('warehouse.backup_not_configured');
  });
});
