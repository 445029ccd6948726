/**
 * The security headers (helmet's, with our CSP), computed once at boot. `@fastify/helmet` rebuilds the
 * helmet middleware and re-parses the CSP on every request (~8% of the server's CPU on the charge API);
 * the headers depend only on configuration, so every reply gets the same precomputed set.
 */
import helmet, { type HelmetOptions } from 'helmet';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { assert } from '@chaharsu/kit';

export function securityHeaders(options: HelmetOptions): Record<string, string> {
  const headers: Record<string, string> = {};
  const response = {
    setHeader(name: string, value: string | number | readonly string[]) {
      headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value);
    },
    removeHeader(name: string) {
      delete headers[name.toLowerCase()];
    },
  };
  let done = false;
  helmet(options)({} as IncomingMessage, response as unknown as ServerResponse, (error?: unknown) => {
    if (error) throw error;
    done = true;
  });
  assert(done && headers['content-security-policy'], 'helmet did not produce its headers synchronously');
  return headers;
}

/**
 * The headers of a machine API's responses (OWASP REST Security Cheat Sheet, "Security headers"): never cached,
 * never sniffed, framed or run as a document; HSTS as the pages have it.
 */
export function apiSecurityHeaders(pageHeaders: Record<string, string>): Record<string, string> {
  const hsts = pageHeaders['strict-transport-security'];
  return {
    'cache-control': 'no-store',
    'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    ...(hsts ? { 'strict-transport-security': hsts } : {}),
  };
}
