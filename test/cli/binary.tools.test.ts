/**
 * The real binary (`node cli/bin.ts`, as CI runs it): --version, the exit codes end to end, and
 * `replay … | head` — the reader closing the pipe early is a clean exit (0), not an EPIPE crash.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { catalog, createEvent, type EventMap } from '../../generated/index.js';
import { EventStore } from '../../runtime/store/event-store.js';

const root = resolve(import.meta.dirname, '../..');
const dir = mkdtempSync(join(tmpdir(), 'event-bus-bin-'));
const sqlite = join(dir, 'events.db');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the binary; with `firstChunkOnly` it closes stdout after the first chunk, like `| head -1`. */
function eventBus(args: string[], options: { firstChunkOnly?: boolean } = {}): Promise<Run> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'cli/bin.ts', ...args], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, DATABASE_URL: '' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (options.firstChunkOnly) child.stdout.destroy();
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', fail);
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}

beforeAll(async () => {
  // Enough NDJSON to overflow a pipe buffer many times over.
  const store = new EventStore<EventMap>({ catalog, sqlite });
  for (let stream = 0; stream < 40; stream++) {
    const userId = randomUUID();
    const events = Array.from({ length: 50 }, (_, index) =>
      createEvent('user.created', userId, 'user', {
        userId,
        email: `u${stream}-${index}@example.com`,
        name: 'x'.repeat(200),
        subscriptionTier: 'free',
      }, { occurredAt: new Date(Date.UTC(2024, 0, 2)) }),
    );
    await store.appendToStream({ aggregateType: 'user', aggregateId: userId }, events);
  }
  await store.close();
}, 120_000);

describe('the event-bus binary', () => {
  it('--version prints the package version and exits 0', async () => {
    const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
    const run = await eventBus(['--version']);
    expect(run).toMatchObject({ code: 0, stdout: `${version}\n`, stderr: '' });
  });

  it('exits 2 on a usage error and 3 on an unexpected failure', async () => {
    expect((await eventBus(['store', 'stats', '--no-such-flag'])).code).toBe(2);
    const failure = await eventBus(['store', 'stats', '--database-url', 'postgresql://event-bus@127.0.0.1:1/none']);
    expect(failure.code).toBe(3);
    expect(failure.stderr).toContain('unexpected failure');
  });

  it('replay | head: the reader going away ends the replay with exit 0 and no stack trace', async () => {
    const run = await eventBus(['replay', '--from', '2024-01-01', '--to', '2024-02-01', '--sqlite', sqlite], { firstChunkOnly: true });
    expect(run.stdout.length).toBeGreaterThan(0);
    expect(JSON.parse(run.stdout.split('\n')[0]!)).toMatchObject({ eventType: 'user.created' });
    expect(run.stderr).not.toMatch(/EPIPE|Error/);
    expect(run.code).toBe(0);
  });

  it('replay without a reader closing prints every event (the early exit above was the pipe)', async () => {
    const run = await eventBus(['replay', '--from', '2024-01-01', '--to', '2024-02-01', '--sqlite', sqlite]);
    expect(run.code).toBe(0);
    expect(run.stdout.trim().split('\n')).toHaveLength(2000);
  });
});
