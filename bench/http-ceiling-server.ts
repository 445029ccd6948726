/**
 * The HTTP ceiling for `bench/credit-sales.ts`: a Fastify server (the framework the product uses) that
 * answers the charge request with a charge-shaped 201 and does nothing else — no authentication, no
 * validation, no database. Loaded by the same load-generator processes, it shows how many requests per
 * second the HTTP exchange alone leaves room for on this machine.
 *
 * Run: node --import tsx bench/http-ceiling-server.ts <port>
 */
import Fastify from 'fastify';

const app = Fastify({ logger: false });
let sequence = 0;
app.post('/api/credit-sales/v1/charges', async (request, reply) => {
  const body = request.body as { phone?: string; amount_rial?: number };
  sequence += 1;
  reply.code(201);
  return { id: `01a20046-1523-750f-ba1c-${String(sequence).padStart(12, '0')}`, phone: body.phone, amount_rial: body.amount_rial, balance_after_rial: 1_000_000 - sequence, created_at: new Date().toISOString() };
});
app.get('/readyz', async () => ({ ok: true }));
await app.listen({ port: Number(process.argv[2]), host: '127.0.0.1' });
