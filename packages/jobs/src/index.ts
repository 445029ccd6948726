/**
 * Background jobs on PostgreSQL (pg-boss): scheduled work (daily backups), retries, one-off tasks.
 * The schema is created by `jobsMigrations` as the owner role; the server runs pg-boss as the app role
 * with pg-boss's own migrations turned off.
 */
import PgBoss from 'pg-boss';
import type { Logger } from 'pino';
import { JOBS_SCHEMA } from './migrations.js';

export { jobsMigrations, JOBS_SCHEMA } from './migrations.js';

export type JobHandler<T extends object = object> = (data: T) => Promise<void>;

export interface Jobs {
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Runs `handler` on the cron `cron` (server time zone UTC unless `tz`); one instance of the cluster runs each tick. */
  schedule<T extends object = object>(name: string, cron: string, handler: JobHandler<T>, options?: { tz?: string; data?: T }): Promise<void>;
  /** Handles jobs of queue `name` (created when missing). */
  work<T extends object = object>(name: string, handler: JobHandler<T>): Promise<void>;
  /** Queues one job; returns its id. */
  send<T extends object>(name: string, data: T): Promise<string>;
  /** The registered schedules (name, cron). */
  schedules(): Promise<Array<{ name: string; cron: string; timezone: string | null }>>;
}

export interface CreateJobsOptions {
  db_url: string;
  logger: Logger;
  /** Connections pg-boss may hold (it polls); small by default. */
  max_connections?: number;
  /** How often workers poll, in seconds (pg-boss's minimum is 0.5). */
  polling_interval_seconds?: number;
}

const QUEUE_NAME = /^[a-z][a-z0-9_.-]{0,99}$/;

export function createJobs(options: CreateJobsOptions): Jobs {
  const boss = new PgBoss({
    connectionString: options.db_url,
    schema: JOBS_SCHEMA,
    max: options.max_connections ?? 3,
    application_name: 'chaharsu-jobs',
    migrate: false,
  });
  const log = options.logger.child({ component: 'jobs' });
  boss.on('error', (error: Error) => log.error({ err: error }, 'job queue error'));
  const polling = options.polling_interval_seconds ?? 2;
  let started = false;

  const wrap = <T extends object>(name: string, handler: JobHandler<T>) => async (jobs: PgBoss.Job<T>[]): Promise<void> => {
    for (const job of jobs) {
      log.info({ job: name, job_id: job.id }, 'job started');
      try {
        await handler(job.data);
      } catch (error) {
        log.error({ job: name, job_id: job.id, err: error }, 'job failed');
        throw error; // pg-boss records the failure and retries by the queue's policy
      }
    }
  };
  // Creating a queue creates a partition table; two concurrent creations of one queue deadlock, so each
  // name is created once per process (and ON CONFLICT makes other instances harmless).
  const queues = new Map<string, Promise<void>>();
  const ensureQueue = (name: string): Promise<void> => {
    if (!QUEUE_NAME.test(name)) throw new Error(`job queue name "${name}" must be lower-case letters, digits, . _ -`);
    let created = queues.get(name);
    if (!created) {
      created = boss.createQueue(name, { name, retryLimit: 3, retryDelay: 60, retryBackoff: true });
      created.catch(() => queues.delete(name));
      queues.set(name, created);
    }
    return created;
  };

  return {
    async start() {
      if (started) return;
      await boss.start();
      started = true;
    },
    async stop() {
      if (!started) return;
      started = false;
      await boss.stop({ graceful: true, timeout: 10_000, wait: true });
    },
    async schedule(name, cron, handler, scheduleOptions) {
      await ensureQueue(name);
      await boss.schedule(name, cron, scheduleOptions?.data ?? {}, { tz: scheduleOptions?.tz ?? 'UTC' });
      await boss.work(name, { pollingIntervalSeconds: polling }, wrap(name, handler));
    },
    async work(name, handler) {
      await ensureQueue(name);
      await boss.work(name, { pollingIntervalSeconds: polling }, wrap(name, handler));
    },
    async send(name, data) {
      await ensureQueue(name);
      const id = await boss.send(name, data);
      if (!id) throw new Error(`job queue "${name}" refused the job`);
      return id;
    },
    async schedules() {
      const rows = await boss.getSchedules();
      return rows.map((s) => ({ name: s.name, cron: s.cron, timezone: s.options?.tz ?? null }));
    },
  };
}
