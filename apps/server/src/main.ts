/** `npm start`: the whole product on one port. */
import pino from 'pino';
import { ConfigError, loadConfig } from './config.js';
import { startServer } from './server.js';

const logger = pino({ level: process.env.LOG_LEVEL ?? 'info' });

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  const server = await startServer(config, { logger });
  const port = new URL(server.url).port;
  const shown = config.HOST === '0.0.0.0' || config.HOST === '::' || config.HOST === '127.0.0.1' ? `http://localhost:${port}` : server.url;
  logger.info({ url: shown, database: server.urls.embedded ? `embedded PostgreSQL, data in ${config.DATA_DIR}` : 'external PostgreSQL (DATABASE_URL)' }, `Chaharsu is running: open ${shown}`);
  if (server.seeded) for (const line of server.seeded) logger.info(line);
  let closing = false;
  const shutdown = async (signal: string): Promise<void> => {
    if (closing) return;
    closing = true;
    logger.info({ signal }, 'shutting down');
    await server.close().catch((error: unknown) => logger.error({ err: error }, 'error while shutting down'));
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}

main().catch((error: unknown) => {
  logger.fatal({ err: error }, 'Chaharsu could not start');
  process.exit(1);
});
