/**
 * Exit codes are mapped in one place (cli/plumbing.ts) for every verb: 0 clean, 1 findings,
 * 2 usage or unreadable input, 3 unexpected failure. Run through the real command tree (main).
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../cli/main.js';
import { exitCodeOfError, isInputError, UsageError } from '../../cli/plumbing.js';
import { EventBusError } from '../../runtime/errors.js';

const dir = mkdtempSync(join(tmpdir(), 'event-bus-exit-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const closed = { type: 'object', additionalProperties: false, properties: { id: { type: 'string' } }, required: ['id'] };
const oldSchema = join(dir, 'old.json');
const addedOptional = join(dir, 'added-optional.json');
const addedRequired = join(dir, 'added-required.json');
writeFileSync(oldSchema, JSON.stringify(closed));
writeFileSync(addedOptional, JSON.stringify({ ...closed, properties: { ...closed.properties, note: { type: 'string' } } }));
writeFileSync(addedRequired, JSON.stringify({ ...closed, properties: { ...closed.properties, note: { type: 'string' } }, required: ['id', 'note'] }));

let stdout = '';
let stderr = '';
beforeEach(() => {
  stdout = '';
  stderr = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => ((stdout += String(chunk)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => ((stderr += String(chunk)), true));
});
afterEach(() => {
  vi.restoreAllMocks();
  process.exitCode = undefined;
});

const eventBus = (...args: string[]): Promise<number> => main(['node', 'event-bus', ...args]);

describe('exit codes', () => {
  it('0: clean (a compatible diff), and --version prints the package version', async () => {
    expect(await eventBus('diff', oldSchema, addedOptional)).toBe(0);
    expect(stdout).toContain('note');
    stdout = '';
    expect(await eventBus('--version')).toBe(0);
    expect(stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('1: findings (an incompatible diff), on stdout', async () => {
    expect(await eventBus('diff', oldSchema, addedRequired)).toBe(1);
    expect(stdout).toMatch(/REQUIRED_PROPERTY|required/i);
  });

  it('2: usage errors — unknown flag, bad flag value, unknown component, unreadable input', async () => {
    expect(await eventBus('diff', oldSchema, addedOptional, '--no-such-flag')).toBe(2);
    expect(await eventBus('dlq', 'list', '--since', 'not-a-date', '--sqlite', join(dir, 'x.db'))).toBe(2);
    expect(stderr).toContain("event-bus dlq: Dead-letter option '--since'");
    stderr = '';
    expect(await eventBus('store', 'migrate', '--sqlite', ':memory:', '--component', 'nope')).toBe(2);
    expect(stderr).toBe('event-bus store migrate: unknown component(s) nope (known: store, dlq)\n');
    expect(await eventBus('diff', join(dir, 'missing.json'), oldSchema)).toBe(2);
  });

  it('2: read-only verbs on a database that does not exist, and the file is not created', async () => {
    const missing = join(dir, 'never-created.db');
    expect(await eventBus('store', 'stats', '--sqlite', missing)).toBe(2);
    expect(await eventBus('dlq', 'list', '--sqlite', missing)).toBe(2);
    expect(await eventBus('replay', '--from', '2024-01-01', '--to', '2024-02-01', '--sqlite', missing)).toBe(2);
    expect(stderr).toContain(`no event store database at ${missing}`);
    expect(existsSync(missing)).toBe(false);
  });

  it('3: an unexpected failure (the database refuses connections) is not a usage error', async () => {
    const code = await eventBus('store', 'stats', '--database-url', 'postgresql://event-bus@127.0.0.1:1/none');
    expect(code).toBe(3);
    expect(stderr).toMatch(/^event-bus store stats: unexpected failure: .*ECONNREFUSED/m);
  });

  it('the mapping tells input errors from failures by code, across copies of the runtime', () => {
    const io = { stdout: () => {}, stderr: () => {} };
    expect(exitCodeOfError('x', new UsageError('bad'), io)).toBe(2);
    expect(exitCodeOfError('x', new EventBusError('COMPAT_INVALID_JSON', 'broken'), io)).toBe(2);
    expect(exitCodeOfError('x', Object.assign(new Error('no such file'), { code: 'ENOENT', path: '/x' }), io)).toBe(2);
    expect(exitCodeOfError('x', new EventBusError('PUBLISH_FAILED', 'down'), io)).toBe(3);
    expect(exitCodeOfError('x', Object.assign(new Error('refused'), { code: 'ECONNREFUSED' }), io)).toBe(3);
    expect(exitCodeOfError('x', new TypeError('a bug'), io)).toBe(3);
    expect(isInputError({ code: 'CLI_USAGE', [Symbol.for('@clone/event-bus/error')]: true })).toBe(true);
  });
});
