import { describe, expect, it } from 'vitest';
import pg from 'pg';
import { PubSub } from '@google-cloud/pubsub';
import { randomUUID } from 'node:crypto';

describe('test services', () => {
  it('PostgreSQL answers', async () => {
    const client = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await client.connect();
    const { rows } = await client.query('select 1 + 1 as two');
    await client.end();
    expect(rows[0].two).toBe(2);
  });

  it('Pub/Sub emulator creates a topic', async () => {
    const pubsub = new PubSub({ projectId: process.env.GCP_PROJECT_ID });
    const name = `svc-${randomUUID()}`;
    const [topic] = await pubsub.createTopic(name);
    const [exists] = await topic.exists();
    await topic.delete();
    await pubsub.close();
    expect(exists).toBe(true);
  });
});
