import { describe, it, expect } from 'vitest';
import { createApiKeyCache, type ResolvedApiKey } from './api-key-cache.js';

describe('the API-key cache in front of identity', () => {
  it('answers from memory within its TTL, forgets a revoked key at once, and looks up again after the TTL', async () => {
    let now = 0;
    let lookups = 0;
    const known: ResolvedApiKey = { api_key_id: 'k1', org_id: 'o1', scopes: ['credit_sales.charge'], subject_id: 's1' };
    const cache = createApiKeyCache(async (token) => { lookups += 1; return token === 'good' ? known : null; }, { ttl_ms: 5_000, negative_ttl_ms: 1_000, now: () => now });
    expect(await Promise.all([cache.resolve('good'), cache.resolve('good')])).toEqual([known, known]);
    expect(lookups).toBe(1); // concurrent first uses share one lookup
    now = 4_999;
    expect(await cache.resolve('good')).toEqual(known);
    expect(lookups).toBe(1);
    cache.invalidate('k1');
    expect(await cache.resolve('good')).toEqual(known);
    expect(lookups).toBe(2);
    now = 20_000;
    await cache.resolve('good');
    expect(lookups).toBe(3);
    expect(await cache.resolve('bad')).toBeNull();
    expect(await cache.resolve('bad')).toBeNull();
    expect(lookups).toBe(4); // unknown keys are cached briefly too
    now = 21_001;
    await cache.resolve('bad');
    expect(lookups).toBe(5);
  });
});
