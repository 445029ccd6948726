/**
 * The simulator's stand-in for SQL Server's backup history (msdb.dbo.backupset): a `msdb.backupset` table in
 * the PostgreSQL database that stands for the instance, with the columns the adapter reads. Tests record
 * backups here and see them come back in the agent's health ("last backup", spec E3).
 */
import pg from 'pg';

export interface SimulatedBackup {
  /** The company database that was backed up (backupset.database_name). */
  database: string;
  /** `D` full, `I` differential, `L` log (backupset.type). */
  type: 'D' | 'I' | 'L';
  /** The server's wall clock when the backup finished, `YYYY-MM-DDTHH:MM:SS` (no zone, as SQL Server stores it). */
  finished_at: string;
  copy_only?: boolean;
}

const DDL = `create schema if not exists msdb;
create table if not exists msdb.backupset (
  backup_set_id serial primary key,
  database_name text not null,
  type char(1) not null check (type in ('D', 'I', 'L')),
  backup_start_date timestamp,
  backup_finish_date timestamp,
  is_copy_only boolean not null default false
)`;

/** Records a finished backup in the simulated instance's history. */
export async function recordSimulatedBackup(url: string, backup: SimulatedBackup): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(DDL);
    await client.query(
      'insert into msdb.backupset (database_name, type, backup_start_date, backup_finish_date, is_copy_only) values ($1, $2, $3::timestamp - interval \'1 minute\', $3::timestamp, $4)',
      [backup.database, backup.type, backup.finished_at, backup.copy_only ?? false],
    );
  } finally {
    await client.end();
  }
}
