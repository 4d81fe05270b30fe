import { expect } from 'vitest';
import type { EventFilter } from '../../../store.js';
import type { EventStoreBackend } from '../../../runtime/store/index.js';

/**
 * readAll and countEvents return only transactions older than every open one (PostgreSQL's
 * gap-safe cursor, docs/postgres-gap-safe-cursor.md), and other test files hold transactions open
 * on the same server. Waits, bounded, until `count` events matching `filter` are visible; once
 * visible they stay visible (no older transaction can start). SQLite returns at once.
 */
export async function untilVisible(backend: EventStoreBackend, filter: EventFilter, count: number): Promise<void> {
  const deadline = Date.now() + 30_000;
  let seen = await backend.countEvents(filter);
  while (seen < count && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 25));
    seen = await backend.countEvents(filter);
  }
  expect(seen, `events visible to readAll for ${JSON.stringify(filter)}`).toBe(count);
}
