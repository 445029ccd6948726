/**
 * A separate OS process that applies one Holoo command to a simulated company and sends back the
 * outcome over IPC (used by the concurrency tests: several processes, one branch database).
 * argv: <url> <database> <command_id> <requested_by> <command JSON>
 */
import { connectHolooSimulator } from '../connection.js';

const [url, database, commandId, requestedBy, commandJson] = process.argv.slice(2);
if (!url || !database || !commandId || !requestedBy || !commandJson) throw new Error('usage: <url> <database> <command_id> <requested_by> <command JSON>');
const instance = connectHolooSimulator({ url, max_connections: 2 });
try {
  // Start together: connect, say ready, and wait for the parent's "go" so the processes really race.
  await instance.company(database).shape();
  const go = new Promise<void>((resolve) => process.once('message', () => resolve()));
  process.send?.({ ready: true });
  await go;
  const outcome = await instance.company(database).applyHolooCommand({ command_id: commandId, requested_by: requestedBy, command: JSON.parse(commandJson) });
  process.send?.({ ok: true, outcome });
} catch (error) {
  process.send?.({ ok: false, error: error instanceof Error ? error.message : String(error) });
} finally {
  await instance.close();
}
