/**
 * `event-bus check` on the project's own registry (passes) and on mutated copies in temporary
 * directories: released versions edited or gone, an incompatible version, modes, a git base.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseDocument } from 'yaml';
import { afterEach, describe, expect, it } from 'vitest';
import { checkRegistry } from '../../compat/check/check.js';
import type { Finding } from '../../compat/findings.js';
import { runCheck } from '../../cli/commands/check.js';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const temporary: string[] = [];

afterEach(() => {
  for (const dir of temporary.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A copy of the registry (asyncapi.yaml + schemas/) without the lock. */
function copyRegistry(): string {
  const dir = mkdtempSync(join(tmpdir(), 'event-bus-check-'));
  temporary.push(dir);
  cpSync(join(repoRoot, 'asyncapi.yaml'), join(dir, 'asyncapi.yaml'));
  cpSync(join(repoRoot, 'schemas'), join(dir, 'schemas'), { recursive: true });
  rmSync(join(dir, 'registry.lock.json'), { force: true });
  return dir;
}

// Fixture edits reach into arbitrary JSON: `any` is the honest type at this boundary.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyJson = Record<string, any>;

function editJson(dir: string, file: string, edit: (schema: AnyJson) => void): void {
  const path = join(dir, file);
  const schema = JSON.parse(readFileSync(path, 'utf8')) as AnyJson;
  edit(schema);
  writeFileSync(path, `${JSON.stringify(schema, null, 2)}\n`);
}

function editYaml(dir: string, edit: (document: ReturnType<typeof parseDocument>) => void): void {
  const path = join(dir, 'asyncapi.yaml');
  const document = parseDocument(readFileSync(path, 'utf8'));
  edit(document);
  writeFileSync(path, document.toString({ lineWidth: 0 }));
}

/** 1-based line of the first occurrence of `text` in a registry file. */
function lineOf(dir: string, file: string, text: string): number {
  const content = readFileSync(join(dir, file), 'utf8');
  const at = content.indexOf(text);
  if (at < 0) throw new Error(`${text} not in ${file}`);
  return content.slice(0, at).split('\n').length;
}

const fast = { asyncapi: false, generated: false } as const;
const summary = (findings: Finding[]): Array<Pick<Finding, 'rule' | 'file' | 'pointer' | 'line'>> =>
  findings
    .filter((finding) => !finding.compatible)
    .map(({ rule, file, pointer, line }) => ({ rule, file, pointer, line }));

function captured(): {
  io: { stdout: (text: string) => void; stderr: (text: string) => void };
  out: string[];
  err: string[];
} {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { stdout: (text) => void out.push(text), stderr: (text) => void err.push(text) }, out, err };
}

describe('event-bus check', { timeout: 180_000 }, () => {
  it("passes on the project's own registry: AsyncAPI valid, generated/ fresh, versions compatible, lock honoured", async () => {
    const report = await checkRegistry({ root: repoRoot });
    expect(summary(report.findings)).toEqual([]);
    // Every step ran: nothing was skipped.
    expect(report.notes.filter((note) => note.includes('was not checked'))).toEqual([]);
  });

  it('records released versions with --update-lock, then passes against the lock', async () => {
    const dir = copyRegistry();
    const first = await checkRegistry({ root: dir, ...fast, updateLock: true });
    expect(summary(first.findings)).toEqual([]);
    expect(first.locked).toContain('user.created v2');
    const lock = JSON.parse(readFileSync(join(dir, 'registry.lock.json'), 'utf8')) as {
      versions: Record<string, Record<string, { file: string; sha256: string; dependencies: Record<string, string> }>>;
    };
    expect(lock.versions['user.created']!['1']!.file).toBe('schemas/user.created/1.json');
    expect(lock.versions['user.created']!['1']!.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(Object.keys(lock.versions['user.created']!['1']!.dependencies)).toEqual(['schemas/common/ids.json']);
    const again = await checkRegistry({ root: dir, ...fast });
    expect(summary(again.findings)).toEqual([]);
    expect(again.notes).toEqual([]);
  });

  it('refuses a released version that gained a required field: RELEASED_VERSION_MODIFIED and the compatibility finding', async () => {
    const dir = copyRegistry();
    await checkRegistry({ root: dir, ...fast, updateLock: true });
    editJson(dir, 'schemas/user.created/1.json', (schema) => {
      schema.properties.signupSource = { description: 'Where the user signed up.', type: 'string' };
      schema.required.push('signupSource');
    });
    const report = await checkRegistry({ root: dir, ...fast });
    expect(summary(report.findings)).toEqual([
      { rule: 'RELEASED_VERSION_MODIFIED', file: 'schemas/user.created/1.json', pointer: '', line: 1 },
      {
        rule: 'PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL',
        file: 'schemas/user.created/1.json',
        pointer: '/properties/signupSource',
        line: lineOf(dir, 'schemas/user.created/1.json', '"signupSource": {'),
      },
    ]);
    const compatibility = report.findings.find(
      (finding) => finding.rule === 'PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL',
    )!;
    expect(compatibility.message).toBe(
      'user.created v2 is not BACKWARD_TRANSITIVE compatible with v1: Property "signupSource" of the old schema is not declared in the new schema, whose closed object rejects it: consumers on the new schema cannot read every event written with the old one.',
    );
  });

  it('reports an incompatible new version with file, line and rule', async () => {
    const dir = copyRegistry();
    editJson(dir, 'schemas/conversation.turn_completed/2.json', (schema) => {
      schema.properties.userText.maxLength = 5000;
    });
    const { io, out } = captured();
    expect(await runCheck({ root: dir, format: 'text', generated: false }, io)).toBe(1);
    const line = lineOf(dir, 'schemas/conversation.turn_completed/2.json', '"maxLength": 5000');
    expect(out.join('')).toBe(
      `schemas/conversation.turn_completed/2.json:${line}:7: MAX_LENGTH_DECREASED conversation.turn_completed v2 is not BACKWARD compatible with v1: maxLength is 20000 in the old schema and 5000, smaller, in the new schema: consumers on the new schema cannot read every event written with the old one.\n`,
    );
  });

  it('prints GitHub annotations with --format github', async () => {
    const dir = copyRegistry();
    editJson(dir, 'schemas/conversation.turn_completed/2.json', (schema) => {
      schema.properties.userText.maxLength = 5000;
    });
    const { io, out } = captured();
    expect(await runCheck({ root: dir, format: 'github', generated: false }, io)).toBe(1);
    const line = lineOf(dir, 'schemas/conversation.turn_completed/2.json', '"maxLength": 5000');
    expect(out.join('')).toBe(
      `::error file=schemas/conversation.turn_completed/2.json,line=${line},col=7,title=MAX_LENGTH_DECREASED::conversation.turn_completed v2 is not BACKWARD compatible with v1: maxLength is 20000 in the old schema and 5000, smaller, in the new schema: consumers on the new schema cannot read every event written with the old one.\n`,
    );
  });

  it('lets NONE through only with a reason', async () => {
    const dir = copyRegistry();
    editJson(dir, 'schemas/conversation.turn_completed/2.json', (schema) => {
      schema.required.push('responseModel');
    });
    editYaml(dir, (document) => document.setIn(['channels', 'conversationTurnCompleted', 'x-compatibility'], 'NONE'));
    const withoutReason = await checkRegistry({ root: dir, ...fast });
    expect(summary(withoutReason.findings).map((finding) => finding.rule)).toEqual(['COMPATIBILITY_REASON_MISSING']);
    editYaml(dir, (document) =>
      document.setIn(
        ['channels', 'conversationTurnCompleted', 'x-compatibility-reason'],
        'Producer and consumers ship together.',
      ),
    );
    const withReason = await checkRegistry({ root: dir, ...fast });
    expect(summary(withReason.findings)).toEqual([]);
  });

  it('applies a channel policy: LENIENT accepts an optional property on an open object', async () => {
    const dir = copyRegistry();
    editJson(dir, 'schemas/conversation.turn_completed/1.json', (schema) => {
      delete schema.additionalProperties;
    });
    editJson(dir, 'schemas/conversation.turn_completed/2.json', (schema) => {
      delete schema.additionalProperties;
    });
    const strict = await checkRegistry({ root: dir, ...fast });
    expect(new Set(summary(strict.findings).map((finding) => finding.rule))).toEqual(
      new Set(['OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL']),
    );
    editYaml(dir, (document) =>
      document.setIn(['channels', 'conversationTurnCompleted', 'x-compatibility-policy'], 'LENIENT'),
    );
    expect(summary((await checkRegistry({ root: dir, ...fast })).findings)).toEqual([]);
    editYaml(dir, (document) =>
      document.setIn(['channels', 'conversationTurnCompleted', 'x-compatibility-policy'], 'LAX'),
    );
    expect(summary((await checkRegistry({ root: dir, ...fast })).findings).map((finding) => finding.rule)).toContain(
      'COMPATIBILITY_POLICY_INVALID',
    );
  });

  it('rejects an unknown mode', async () => {
    const dir = copyRegistry();
    editYaml(dir, (document) => document.setIn(['channels', 'conversationEnded', 'x-compatibility'], 'SIDEWAYS'));
    const report = await checkRegistry({ root: dir, ...fast });
    expect(summary(report.findings).map((finding) => [finding.rule, finding.file, finding.pointer])).toEqual([
      ['COMPATIBILITY_MODE_INVALID', 'asyncapi.yaml', '/channels/conversationEnded/x-compatibility'],
    ]);
  });

  it('reports a changed shared definition once, naming the released versions that use it', async () => {
    const dir = copyRegistry();
    await checkRegistry({ root: dir, ...fast, updateLock: true });
    editJson(dir, 'schemas/common/usage.json', (schema) => {
      schema.description = `${String(schema.description)} Edited.`;
    });
    const report = await checkRegistry({ root: dir, ...fast });
    const findings = report.findings.filter((finding) => !finding.compatible);
    expect(findings.map((finding) => [finding.rule, finding.file])).toEqual([
      ['RELEASED_DEPENDENCY_MODIFIED', 'schemas/common/usage.json'],
    ]);
    expect(findings[0]!.message).toContain('conversation.turn_completed v1');
  });

  it('reports a released version that disappeared from the registry', async () => {
    const dir = copyRegistry();
    await checkRegistry({ root: dir, ...fast, updateLock: true });
    editYaml(dir, (document) => {
      document.deleteIn(['channels', 'userCreated', 'messages', 'userCreatedV2']);
    });
    const report = await checkRegistry({ root: dir, ...fast });
    expect(summary(report.findings).map((finding) => [finding.rule, finding.pointer])).toEqual([
      ['RELEASED_VERSION_MISSING', '/channels/userCreated'],
    ]);
  });

  it('with --base, reports every change to a version that existed at the base, even unlocked', async () => {
    const dir = copyRegistry();
    const git = (...args: string[]): string => execFileSync('git', args, { cwd: dir, encoding: 'utf8' });
    git('init', '-q');
    git('add', '-A');
    git('-c', 'user.name=check', '-c', 'user.email=check@example.test', 'commit', '-qm', 'base');
    editJson(dir, 'schemas/user.created/1.json', (schema) => {
      schema.properties.email.maxLength = 100;
    });
    editJson(dir, 'schemas/common/ids.json', (schema) => {
      schema.definitions.Uuid.description = 'An id.';
    });
    const report = await checkRegistry({ root: dir, ...fast, base: 'HEAD' });
    const changes = report.findings.filter((finding) => finding.rule === 'VERSION_MODIFIED_SINCE_BASE');
    expect(changes.map((finding) => [finding.file, finding.pointer, finding.line])).toEqual([
      [
        'schemas/common/ids.json',
        '/definitions/Uuid/description',
        lineOf(dir, 'schemas/common/ids.json', '"description": "An id."'),
      ],
      [
        'schemas/user.created/1.json',
        '/properties/email/maxLength',
        lineOf(dir, 'schemas/user.created/1.json', '"maxLength": 100'),
      ],
    ]);
    expect(changes[1]!.message).toBe(
      'user.created v1 changed since HEAD (MAX_LENGTH_DECREASED): maxLength is 254 in the old schema and 100, smaller, in the new schema.',
    );
    expect(changes[0]!.message).toMatch(
      /^conversation\.ended v1, .*user\.created v1, user\.created v2, .* changed since HEAD \(DESCRIPTION_CHANGED\)/,
    );
    // The same tree without changes is clean against its own base.
    git('checkout', '-q', '--', '.');
    expect(summary((await checkRegistry({ root: dir, ...fast, base: 'HEAD' })).findings)).toEqual([]);
  });

  it('reports AsyncAPI parser errors as findings with line and pointer', async () => {
    const dir = copyRegistry();
    editYaml(dir, (document) => document.deleteIn(['info', 'title']));
    const report = await checkRegistry({ root: dir, generated: false });
    const invalid = report.findings.filter((finding) => finding.rule === 'ASYNCAPI_INVALID');
    expect(invalid.length).toBeGreaterThan(0);
    expect(invalid[0]!.file).toBe('asyncapi.yaml');
    expect(invalid[0]!.pointer).toBe('/info');
    expect(invalid[0]!.line).toBe(lineOf(dir, 'asyncapi.yaml', 'info:'));
  });

  it('exits 2 on an unreadable lock or a missing asyncapi.yaml', async () => {
    const dir = copyRegistry();
    writeFileSync(join(dir, 'registry.lock.json'), '{ "versions": ');
    const { io, err } = captured();
    expect(await runCheck({ root: dir, format: 'text', generated: false }, io)).toBe(2);
    expect(err.join('')).toBe('event-bus check: registry.lock.json: invalid JSON: unexpected end of input\n');
    rmSync(join(dir, 'asyncapi.yaml'));
    const second = captured();
    expect(await runCheck({ root: dir, format: 'text', generated: false }, second.io)).toBe(2);
    expect(second.err.join('')).toBe('event-bus check: asyncapi.yaml: no such file\n');
    expect(existsSync(join(dir, 'schemas'))).toBe(true);
  });

  it('exits 2 when the base ref does not exist', async () => {
    const dir = copyRegistry();
    execFileSync('git', ['init', '-q'], { cwd: dir });
    const { io, err } = captured();
    expect(await runCheck({ root: dir, format: 'text', generated: false, base: 'no-such-ref' }, io)).toBe(2);
    expect(err.join('')).toMatch(
      /^event-bus check: .*git rev-parse --verify --end-of-options no-such-ref\^\{commit\} failed: fatal: Needed a single revision\n$/,
    );
  });

  it('runs as the real command with exit code 1 on findings', () => {
    const dir = copyRegistry();
    editJson(dir, 'schemas/conversation.turn_completed/2.json', (schema) => {
      schema.properties.turnIndex.type = 'string';
    });
    const tsxLoader = pathToFileURL(join(repoRoot, 'node_modules', 'tsx', 'dist', 'esm', 'index.mjs')).href;
    const run = spawnSync(
      process.execPath,
      [
        '--import',
        tsxLoader,
        join(repoRoot, 'cli', 'bin.ts'),
        'check',
        '--root',
        dir,
        '--no-generated',
        '--format',
        'json',
      ],
      {
        encoding: 'utf8',
      },
    );
    expect(run.status).toBe(1);
    const report = JSON.parse(run.stdout) as { compatible: boolean; findings: Finding[] };
    expect(report.compatible).toBe(false);
    expect(report.findings.map((finding) => [finding.rule, finding.pointer])).toEqual([
      ['TYPE_CHANGED', '/properties/turnIndex/type'],
    ]);
  });
});
