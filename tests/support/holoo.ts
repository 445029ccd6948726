import { createTestDatabase, type TestDatabase } from '@chaharsu/db/testing';
import { createSimulatedCompany, seedSimulatedCompany } from '@chaharsu/holoo/simulator';

type SeedOptions = Parameters<typeof seedSimulatedCompany>[2];

/** A branch's Holoo for a test: a fresh database holding one simulated company (`database`), seeded. Drop it with the test. */
export async function createSimulatedHoloo(company: { database: string; company_name: string }, seed: SeedOptions): Promise<TestDatabase> {
  const sim = await createTestDatabase();
  await createSimulatedCompany(sim.superuser_url, company);
  await seedSimulatedCompany(sim.superuser_url, company.database, seed);
  return sim;
}
