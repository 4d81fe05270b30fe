/**
 * One config file for `generate` and `check` (issue 13, decision 0092): in a consumer project
 * that generates into its own folder with `@clone/event-bus/runtime` as the runtime import,
 * `check` passes right after `generate` — and reports the stale file once the output is edited.
 * The real CLI runs in a temporary project (tsx, cwd = the project).
 */
import { execFile } from 'node:child_process';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCheck, type CheckFlags } from '../../cli/commands/check.js';
import { PROJECT_CONFIG_FILE, ProjectConfigError, resolveProjectSettings } from '../../cli/project-config.js';

const repo = path.resolve(import.meta.dirname, '..', '..');
const tsx = path.join(repo, 'node_modules', '.bin', 'tsx');
const bin = path.join(repo, 'cli', 'bin.ts');

async function cli(cwd: string, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(tsx, [bin, ...args], { cwd });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

describe('resolveProjectSettings', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'event-bus-config-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('defaults without a file; the file over the defaults (paths relative to it); flags over the file', async () => {
    expect(resolveProjectSettings({}, dir)).toEqual({
      file: undefined,
      registry: path.join(dir, 'asyncapi.yaml'),
      out: path.join(dir, 'generated'),
      runtimeImport: '../runtime/index.js',
      lock: path.join(dir, 'registry.lock.json'),
      avro: true,
      runtimeClasses: true,
    });
    await writeFile(
      path.join(dir, PROJECT_CONFIG_FILE),
      JSON.stringify({ registry: 'contracts/asyncapi.yaml', out: 'src/events', runtimeImport: '@clone/event-bus/runtime', avro: false }),
    );
    expect(resolveProjectSettings({}, dir)).toEqual({
      file: path.join(dir, PROJECT_CONFIG_FILE),
      registry: path.join(dir, 'contracts', 'asyncapi.yaml'),
      out: path.join(dir, 'src', 'events'),
      runtimeImport: '@clone/event-bus/runtime',
      lock: path.join(dir, 'contracts', 'registry.lock.json'),
      avro: false,
      runtimeClasses: true,
    });
    expect(resolveProjectSettings({ out: 'elsewhere', runtimeImport: 'x', avro: true }, dir)).toMatchObject({
      out: path.join(dir, 'elsewhere'),
      runtimeImport: 'x',
      avro: true,
    });
  });

  it('refuses unknown keys, wrong types and a missing --config file, naming the file and key', async () => {
    const file = path.join(dir, 'bad.json');
    await writeFile(file, JSON.stringify({ output: 'src' }));
    expect(() => resolveProjectSettings({ config: file }, dir)).toThrow(/bad\.json: unknown key 'output'/);
    await writeFile(file, JSON.stringify({ avro: 'yes' }));
    expect(() => resolveProjectSettings({ config: file }, dir)).toThrow(/'avro' must be a boolean/);
    await writeFile(file, '[]');
    expect(() => resolveProjectSettings({ config: file }, dir)).toThrow(ProjectConfigError);
    expect(() => resolveProjectSettings({ config: 'missing.json' }, dir)).toThrow(/no such config file/);
  });
});

describe('a consumer project: generate, then check, from one event-bus.config.json', () => {
  let project: string;
  const cwd = process.cwd();
  beforeAll(async () => {
    project = await mkdtemp(path.join(tmpdir(), 'event-bus-consumer-'));
    for (const entry of ['asyncapi.yaml', 'schemas', 'registry.lock.json']) {
      await cp(path.join(repo, entry), path.join(project, 'contracts', entry), { recursive: true });
    }
    await writeFile(
      path.join(project, PROJECT_CONFIG_FILE),
      JSON.stringify({ registry: 'contracts/asyncapi.yaml', out: 'src/events', runtimeImport: '@clone/event-bus/runtime' }, null, 2),
    );
    // The verbs resolve paths against the working directory, as in a consumer's `npx event-bus …`.
    process.chdir(project);
  });
  afterAll(async () => {
    process.chdir(cwd);
    await rm(project, { recursive: true, force: true });
  });

  it('the real binary: generate writes where the file says, with the runtime import it says', async () => {
    const generated = await cli(project, 'generate');
    expect(generated.stderr).toBe('');
    expect(generated.code).toBe(0);
    expect(generated.stdout).toMatch(/^wrote src\/events\/catalog\.ts$/m);
    expect(await readFile(path.join(project, 'src', 'events', 'catalog.ts'), 'utf8')).toContain("from '@clone/event-bus/runtime';");
  }, 120_000);

  it('check passes right after generate, fails with other settings, and names an edited file', async () => {
    const check = async (flags: Partial<CheckFlags>) => {
      let stdout = '';
      let stderr = '';
      const code = await runCheck({ format: 'json', ...flags }, { stdout: (text) => void (stdout += text), stderr: (text) => void (stderr += text) });
      return { code, stderr, findings: (JSON.parse(stdout) as { findings: { file: string; rule: string }[] }).findings };
    };
    expect(await check({})).toEqual({ code: 0, stderr: 'event-bus check: clean (0 compatible finding(s))\n', findings: [] });

    // Without the shared runtime import (the old behaviour) the same project is stale.
    await writeFile(path.join(project, 'other.json'), JSON.stringify({ registry: 'contracts/asyncapi.yaml', out: 'src/events' }));
    const otherImport = await check({ config: 'other.json' });
    expect(otherImport.code).toBe(1);
    expect(new Set(otherImport.findings.map((finding) => finding.rule))).toEqual(new Set(['GENERATED_STALE']));

    const catalog = path.join(project, 'src', 'events', 'catalog.ts');
    await writeFile(catalog, `${await readFile(catalog, 'utf8')}\n// edited by hand\n`);
    const stale = await check({});
    expect(stale.code).toBe(1);
    expect(stale.findings.map((finding) => [finding.rule, finding.file])).toEqual([['GENERATED_STALE', '../src/events/catalog.ts']]);
  }, 120_000);
});
