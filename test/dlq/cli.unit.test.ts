/**
 * `event-bus dlq` on a SQLite file: exact text and JSON output and exit codes, through the
 * program's own entry point (cli/main.ts) in this process.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, expect, it, vi } from 'vitest';
import { main } from '../../cli/main.js';
import { SqliteParkedMessageRepository } from '../../runtime/dlq/repository/sqlite-repository.js';
import { openSqlite } from '../../runtime/store/database.js';
import { newParked } from './parked-repository.contract.js';

const directory = mkdtempSync(join(tmpdir(), 'event-bus-dlq-cli-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

let database: string;
let counter = 0;
const first = newParked({
  parkedId: '11111111-1111-4111-8111-111111111111',
  eventId: 'e-1',
  eventType: 'user.created',
  eventVersion: 2,
  aggregateId: 'user-1',
  parkedAt: new Date('2026-06-01T10:00:00.000Z'),
  firstFailedAt: new Date('2026-06-01T09:00:00.000Z'),
  lastFailedAt: new Date('2026-06-01T09:59:00.000Z'),
  failureCode: 'HANDLER_FAILED',
  failureReason: 'handler failed on attempt 5: Error: CRM down',
  sourceSubscription: 'clone-sub.crm.user.created',
  data: Buffer.from('{"userId":"user-1"}'),
  attributes: { 'ce-type': 'user.created', 'ce-id': 'e-1' },
  parkNote: 'wait for the CRM',
});
const second = newParked({
  parkedId: '22222222-2222-4222-8222-222222222222',
  eventId: 'e-2',
  eventType: 'document.processed',
  parkedAt: new Date('2026-06-02T10:00:00.000Z'),
  parkReason: 'retries-exhausted',
  failureCode: 'MAX_DELIVERY_ATTEMPTS_EXCEEDED',
  data: Buffer.from([0xff, 0x00]),
});

beforeEach(async () => {
  database = join(directory, `cli-${++counter}.db`);
  const repository = new SqliteParkedMessageRepository({ db: openSqlite(database), closeDatabase: true });
  await repository.migrate();
  for (const message of [first, second]) {
    await repository.park(message, {
      action: 'park',
      deadLetterMessageId: message.deadLetterMessageId,
      parkedId: message.parkedId,
      eventId: message.eventId,
      eventType: message.eventType,
      actor: 'dlq-handler@test',
      reason: message.parkNote,
      at: message.parkedAt,
      details: {},
    });
  }
  await repository.close();
});

let stdout: string;
let stderr: string;
beforeEach(() => {
  stdout = '';
  stderr = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => ((stdout += String(chunk)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => ((stderr += String(chunk)), true));
  process.exitCode = undefined;
});
afterEach(() => {
  vi.restoreAllMocks();
  process.exitCode = undefined;
});

function eventBus(...args: string[]): Promise<number> {
  return main(['node', 'event-bus', 'dlq', ...args, '--sqlite', database]);
}

it('lists parked messages as text, oldest first', async () => {
  expect(await eventBus('list')).toBe(0);
  expect(stdout).toBe(
    [
      '11111111-1111-4111-8111-111111111111  parked  user.created  manual  HANDLER_FAILED  parked 2026-06-01T10:00:00.000Z  attempts 5  retries 1',
      '22222222-2222-4222-8222-222222222222  parked  document.processed  retries-exhausted  MAX_DELIVERY_ATTEMPTS_EXCEEDED  parked 2026-06-02T10:00:00.000Z  attempts 5  retries 1',
      '2 message(s)',
      '',
    ].join('\n'),
  );
});

it('filters by event type and time range, as JSON', async () => {
  expect(await eventBus('list', '--event-type', 'document.processed', '--format', 'json')).toBe(0);
  expect((JSON.parse(stdout) as { parkedId: string }[]).map((m) => m.parkedId)).toEqual([second.parkedId]);
  stdout = '';
  expect(await eventBus('list', '--since', '2026-06-01T00:00:00Z', '--until', '2026-06-02T00:00:00Z', '--format', 'json')).toBe(0);
  const [listed] = JSON.parse(stdout) as Record<string, unknown>[];
  expect(listed).toMatchObject({
    parkedId: first.parkedId,
    status: 'parked',
    eventType: 'user.created',
    failureCode: 'HANDLER_FAILED',
    parkedAt: '2026-06-01T10:00:00.000Z',
    data: Buffer.from('{"userId":"user-1"}').toString('base64'),
  });
});

it('shows one message with its attributes, data and history', async () => {
  expect(await eventBus('show', first.parkedId)).toBe(0);
  expect(stdout).toBe(
    [
      'parked id:           11111111-1111-4111-8111-111111111111',
      'status:              parked',
      'event:               user.created v2 e-1',
      'aggregate id:        user-1',
      'park reason:         manual (wait for the CRM)',
      'failure:             HANDLER_FAILED: handler failed on attempt 5: Error: CRM down',
      'delivery attempts:   5',
      'retries:             1',
      'source subscription: clone-sub.crm.user.created',
      'source topic:        clone.user.created',
      'origin topic:        clone.user.created',
      'first failed at:     2026-06-01T09:00:00.000Z',
      'last failed at:      2026-06-01T09:59:00.000Z',
      'parked at:           2026-06-01T10:00:00.000Z by dlq-handler',
      'attributes:',
      '  ce-id=e-1',
      '  ce-type=user.created',
      'data (utf8, 19 bytes):',
      '  {"userId":"user-1"}',
      'history:',
      '  2026-06-01T10:00:00.000Z  park  dlq-handler@test  user.created  e-1  wait for the CRM',
      '',
    ].join('\n'),
  );
});

it('shows binary data as base64', async () => {
  expect(await eventBus('show', second.parkedId)).toBe(0);
  expect(stdout).toContain('data (base64, 2 bytes):\n  /wA=\n');
});

it('discards with an audit entry, and refuses a second discard with exit 1', async () => {
  expect(await eventBus('discard', first.parkedId, '--reason', 'test account', '--actor', 'carol')).toBe(0);
  expect(stdout).toBe(`discarded ${first.parkedId} (carol)\n`);
  stdout = '';
  expect(await eventBus('discard', first.parkedId, second.parkedId, '--reason', 'again', '--actor', 'carol')).toBe(1);
  expect(stderr).toBe(`event-bus dlq: Cannot discard message '${first.parkedId}': its status is 'discarded', not 'parked'\n`);
  expect(stdout).toBe(`discarded ${second.parkedId} (carol)\n`);
  stdout = '';
  expect(await eventBus('audit', '--action', 'discard-parked')).toBe(0);
  expect(stdout).toMatch(/^\S+  discard-parked  carol  user\.created  e-1  test account\n\S+  discard-parked  carol  document\.processed  e-2  again\n2 entries\n$/);
  stdout = '';
  expect(await eventBus('stats')).toBe(0);
  expect(stdout).toBe(
    'parked messages: parked 0, requeuing 0, requeued 0, discarded 2\n' +
      'decisions: retry 0, park 2, discard 0, requeue 0, discard-parked 2\n',
  );
  stdout = '';
  expect(await eventBus('list', '--status', 'all', '--format', 'json')).toBe(0);
  expect((JSON.parse(stdout) as { status: string }[]).map((m) => m.status)).toEqual(['discarded', 'discarded']);
});

it('reports an unknown id with exit 1 and bad input with exit 2', async () => {
  expect(await eventBus('show', '33333333-3333-4333-8333-333333333333')).toBe(1);
  expect(stderr).toBe("event-bus dlq: No parked message with id '33333333-3333-4333-8333-333333333333'\n");
  stderr = '';
  expect(await eventBus('list', '--since', 'yesterday-ish')).toBe(2);
  expect(stderr).toBe("event-bus dlq: Dead-letter option '--since': 'yesterday-ish' is not a date or RFC 3339 time\n");
  stderr = '';
  expect(await eventBus('discard', first.parkedId)).toBe(2);
  expect(stderr).toContain("required option '--reason <text>' not specified");
});
