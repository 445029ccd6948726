import { createSocket } from 'node:dgram';
import { describe, expect, it } from 'vitest';
import type { HolooInstance } from '@chaharsu/holoo';
import { lookupSqlInstancePort, rediscoverSqlServer, SwitchableHoloo } from './connection-settings.js';
import { linuxPlatform } from './platform.js';
import type { HolooConnection } from './agent-config.js';

/** A stand-in for the SQL Server Browser service: answers CLNT_UCAST_INST for one instance. */
async function fakeBrowser(instance: string, tcp_port: number): Promise<{ port: number; requests: string[]; close: () => void }> {
  const socket = createSocket('udp4');
  const requests: string[] = [];
  socket.on('message', (message, from) => {
    requests.push(message.subarray(1, message.length - 1).toString('latin1'));
    if (message[0] !== 0x04 || message.subarray(1, message.length - 1).toString('latin1') !== instance) return;
    const data = Buffer.from(`ServerName;BRANCH-PC;InstanceName;${instance};IsClustered;No;Version;12.0.6024.0;tcp;${tcp_port};;`, 'latin1');
    const header = Buffer.alloc(3);
    header[0] = 0x05;
    header.writeUInt16LE(data.length, 1);
    socket.send(Buffer.concat([header, data]), from.port, from.address);
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', () => resolve()));
  return { port: socket.address().port, requests, close: () => socket.close() };
}

function fakeInstance(name: string, reachable: boolean, closed: string[]): HolooInstance {
  return {
    dialect: { kind: 'mssql' },
    company: () => ({ name }),
    probeHealth: async () => ({ reachable, error: reachable ? null : 'connect ECONNREFUSED', server_version: null, company_databases: [], database_sizes: [], backups: [], backups_error: null }),
    close: async () => { closed.push(name); },
  } as unknown as HolooInstance;
}

const fixedPort: HolooConnection = { kind: 'sql_server', server: 'localhost', instance_name: 'TNC', port: 1433, user: 'chaharsu_agent', password_protected: 'plain:x' };

describe('finding SQL Server again after its port changed', () => {
  it('asks SQL Browser (SSRP over UDP) for the port an instance listens on now', async () => {
    const browser = await fakeBrowser('TNC', 1533);
    try {
      expect(await lookupSqlInstancePort('127.0.0.1', 'TNC', 2_000, browser.port)).toBe(1533);
      expect(await lookupSqlInstancePort('127.0.0.1', 'OTHER', 300, browser.port)).toBeNull();
      expect(browser.requests).toEqual(['TNC', 'OTHER']);
    } finally {
      browser.close();
    }
  });

  it('switches to the port SQL Browser names when SQL Server answers there, and keeps the old connection otherwise', async () => {
    const closed: string[] = [];
    const holoo = new SwitchableHoloo(fakeInstance('old', false, closed));
    const opened: HolooConnection[] = [];
    const open = (connection: HolooConnection) => { opened.push(connection); return fakeInstance(`port-${connection.kind === 'sql_server' ? connection.port : 0}`, connection.kind === 'sql_server' && connection.port === 1533, closed); };
    const input = { holoo, platform: linuxPlatform(), commandDone: () => Promise.resolve(), open };

    // The Browser names a port where nothing answers: nothing changes, the candidate is closed.
    expect(await rediscoverSqlServer({ ...input, connection: fixedPort, lookup: async () => 1600 })).toBeNull();
    expect(closed).toEqual(['port-1600']);
    expect((holoo.company('Holoo1') as unknown as { name: string }).name).toBe('old');

    // Same port, or no instance name to ask about: no attempt.
    expect(await rediscoverSqlServer({ ...input, connection: fixedPort, lookup: async () => 1433 })).toBeNull();
    expect(await rediscoverSqlServer({ ...input, connection: { ...fixedPort, instance_name: undefined }, lookup: async () => 1533 })).toBeNull();

    expect(await rediscoverSqlServer({ ...input, connection: fixedPort, lookup: async () => 1533 })).toBe(1533);
    expect(opened.map((c) => (c.kind === 'sql_server' ? c.port : null))).toEqual([1600, 1533]);
    expect((holoo.company('Holoo1') as unknown as { name: string }).name).toBe('port-1533');
    await holoo.close();
    expect(closed).toEqual(['port-1600', 'old', 'port-1533']);
  });
});
