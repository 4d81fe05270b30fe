import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll } from 'vitest';
import { parkedMessageRepositoryOn } from '../../runtime/dlq/repository/open-repository.js';
import { openDatabase, resolveDatabaseTarget } from '../../runtime/store/database.js';
import { parkedMessageRepositoryContract } from './parked-repository.contract.js';

// Every test gets its own SQL schema: the server is shared with other suites.
const schemas: string[] = [];
afterAll(async () => {
  const client = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await client.connect();
  for (const schema of schemas) await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await client.end();
});

parkedMessageRepositoryContract('PostgreSQL', async () => {
  const schema = `dlq_${randomBytes(6).toString('hex')}`;
  schemas.push(schema);
  const handle = await openDatabase(resolveDatabaseTarget({ databaseUrl: process.env.DATABASE_URL!, postgresSchema: schema }));
  return parkedMessageRepositoryOn(handle, true);
});
