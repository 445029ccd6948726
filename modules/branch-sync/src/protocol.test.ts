import { createHash, createHmac, createPublicKey, verify } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { retryDelayMs } from './hub.js';
import { challengeText, proofText } from './protocol.js';
import { serverIdentityFrom } from './server-identity.js';

describe('server identity and the handshake texts', () => {
  test('the same secret key gives every server instance the same identity; another key another one', () => {
    const a = serverIdentityFrom(Buffer.alloc(32, 1));
    expect(serverIdentityFrom(Buffer.alloc(32, 1)).fingerprint).toBe(a.fingerprint);
    expect(serverIdentityFrom(Buffer.alloc(32, 2)).fingerprint).not.toBe(a.fingerprint);
    expect(createHash('sha256').update(Buffer.from(a.public_key, 'base64')).digest('hex')).toBe(a.fingerprint);
  });

  test('an agent verifies the challenge with the pinned key and rejects one signed by another server', () => {
    const server = serverIdentityFrom(Buffer.alloc(32, 1));
    const impostor = serverIdentityFrom(Buffer.alloc(32, 9));
    const pinned = createPublicKey({ key: Buffer.from(server.public_key, 'base64'), format: 'der', type: 'spki' });
    const text = challengeText({ server_nonce: 'n'.repeat(43), agent_nonce: 'a'.repeat(43), agent_id: 'agent', server_time: '2026-01-01T00:00:00Z' });
    expect(verify(null, Buffer.from(text), pinned, Buffer.from(server.sign(text), 'base64'))).toBe(true);
    expect(verify(null, Buffer.from(text), pinned, Buffer.from(impostor.sign(text), 'base64'))).toBe(false);
    const other = challengeText({ server_nonce: 'n'.repeat(43), agent_nonce: 'b'.repeat(43), agent_id: 'agent', server_time: '2026-01-01T00:00:00Z' });
    expect(verify(null, Buffer.from(other), pinned, Buffer.from(server.sign(text), 'base64'))).toBe(false);
  });

  test('the proof depends on both nonces and the server fingerprint', () => {
    const base = { server_nonce: 's'.repeat(43), agent_nonce: 'a'.repeat(43), agent_id: 'agent', server_fingerprint: 'f'.repeat(64) };
    const mac = (input: typeof base) => createHmac('sha256', 'secret').update(proofText(input)).digest('hex');
    expect(mac(base)).not.toBe(mac({ ...base, server_fingerprint: 'e'.repeat(64) }));
    expect(mac(base)).not.toBe(mac({ ...base, server_nonce: 't'.repeat(43) }));
  });

  test('delivery back-off doubles up to the cap, with jitter in the upper half', () => {
    const options = { retry_base_ms: 1000, retry_cap_ms: 8000 };
    expect(retryDelayMs(1, options, () => 1)).toBe(1000);
    expect(retryDelayMs(3, options, () => 1)).toBe(4000);
    expect(retryDelayMs(10, options, () => 1)).toBe(8000);
    expect(retryDelayMs(10, options, () => 0)).toBe(4000);
  });
});
