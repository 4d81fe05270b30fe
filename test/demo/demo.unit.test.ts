/**
 * `npm run demo` on the embedded defaults: the spec's snippets end to end on the in-process
 * transport and a SQLite store in a scratch working directory.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runDemo } from '../../cli/demo/scenario.js';

const previousCwd = process.cwd();
const previousEnv = { ...process.env };
const scratch = mkdtempSync(join(tmpdir(), 'event-bus-demo-'));

beforeAll(() => {
  // What `event-bus demo` sets up when no emulator is given: in-process transport, embedded store
  // (the integration project's global setup may have exported service addresses).
  process.env.EVENT_BUS_TRANSPORT = 'in-process';
  delete process.env.DATABASE_URL;
  process.chdir(scratch);
});

afterAll(() => {
  process.chdir(previousCwd);
  process.env = previousEnv;
  rmSync(scratch, { recursive: true, force: true });
});

it('runs publish, validation, store, replay and dead letters end to end', async () => {
  const lines: string[] = [];
  await runDemo({ log: (line) => lines.push(line), timeoutMs: 20_000 });
  expect(lines[0]).toBe('registry: 10 event types');
  expect(lines).toContainEqual(
    expect.stringMatching(/^published user\.created v2 \(message .+\); the subscriber handled it$/),
  );
  expect(lines).toContain(
    `refused at publish: user.created v2 payload is invalid: '/email' must match format "email"; '/subscriptionTier' must be equal to one of the allowed values`,
  );
  const state = lines.find((line) => line.startsWith('reconstructed session: '));
  expect(JSON.parse(state!.slice('reconstructed session: '.length))).toMatchObject({
    status: 'ended',
    turns: 12,
    totalTokens: 12_000,
    endReason: 'user_ended',
  });
  expect(lines).toContain('reconstructed again from its snapshot: same state');
  // The two read models (docs/projections.md): inline per-user summary, async document board.
  expect(lines).toContainEqual(
    expect.stringMatching(
      /^read model conversation_summary \(inline\): user [0-9a-f]{8} sessions 1 \(active 0\), turns 12, tokens 12000, last activity \S+$/,
    ),
  );
  expect(lines.filter((line) => line.startsWith('read model document_board (async): '))).toEqual([
    'read model document_board (async): Letters to Babbage.docx processed after 2 attempt(s), 37 chunks',
    'read model document_board (async): Notes on the Analytical Engine.pdf processed after 1 attempt(s), 148 chunks',
    'read model document_board (async): Sketch of the Engine.txt failed after 1 attempt(s) at stage parse (UNSUPPORTED_ENCODING)',
  ]);
  expect(lines).toContain('projection conversation_summary: inline, generation 1, lag 0');
  expect(lines).toContain('projection document_board: async, generation 1, lag 0');
  expect(lines).toContain(
    'replayed this session: 1 × conversation.started, 12 × conversation.turn_completed, 1 × conversation.ended',
  );
  expect(lines).toContainEqual(expect.stringMatching(/^failed event: document\.processed after 5 attempts/));
  expect(lines).toContainEqual(expect.stringMatching(/^discarded and audited: document\.processed [0-9a-f-]{36}$/));
  expect(lines).toContainEqual(
    expect.stringMatching(
      /^trace [0-9a-f]{32}: send clone\.conversation\.started → process clone-sub\.sessions\.conversation\.started → append conversation_session → relay clone-event-store → send clone-event-store → process clone-sub\.analytics\.conversation\.started$/,
    ),
  );
  expect(lines.at(-1)).toBe('done');
});
