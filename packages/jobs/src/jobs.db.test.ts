import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pino from 'pino';
import { createTestDatabase, type TestDatabase } from '@chaharsu/db/testing';
import { createJobs, type Jobs } from './index.js';

describe('jobs (pg-boss as the app role, schema made by the migration)', () => {
  let database: TestDatabase;
  let jobs: Jobs;
  beforeAll(async () => {
    database = await createTestDatabase();
    jobs = createJobs({ db_url: database.app_url, logger: pino({ level: 'silent' }), polling_interval_seconds: 0.5 });
    await jobs.start();
  });
  afterAll(async () => {
    await jobs.stop();
    await database.drop();
  });

  it('works a job that was sent, with its data', async () => {
    const seen = new Promise<{ file: string }>((resolve) => {
      void jobs.work<{ file: string }>('test.echo', async (data) => resolve(data));
    });
    await jobs.send('test.echo', { file: 'daily.sql' });
    expect(await seen).toEqual({ file: 'daily.sql' });
  });

  it('registers a schedule with its cron', async () => {
    await jobs.schedule('test.daily', '30 2 * * *', async () => {}, { tz: 'Asia/Tehran' });
    expect(await jobs.schedules()).toContainEqual({ name: 'test.daily', cron: '30 2 * * *', timezone: 'Asia/Tehran' });
  });
});
