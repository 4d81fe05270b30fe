/**
 * Decision 0142: the registry document may have any name. In a consumer project whose registry
 * is `contracts/shop-events.yaml`, `check` reads it from event-bus.config.json or from
 * `--registry`, reports its findings under that name, and `docs` builds from it; before, `check`
 * refused any name but asyncapi.yaml and `docs` ignored the config.
 */
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCheck, type CheckFlags } from '../../cli/commands/check.js';
import { docs } from '../../cli/commands/docs.js';
import { run as runGenerate } from '../../cli/commands/generate.js';
import { PROJECT_CONFIG_FILE } from '../../cli/project-config.js';
import { registryFileFor } from '../../cli/resource-flags.js';

const repo = path.resolve(import.meta.dirname, '..', '..');
const golden = path.join(repo, 'test', 'fixtures', 'golden');
const REGISTRY = 'contracts/shop-events.yaml';
const CONFIG = { registry: REGISTRY, out: 'src/events', runtimeImport: '@clone/event-bus/runtime' };

const quiet = () => {
  const io = { out: '', err: '', stdout: (text: string) => void (io.out += text), stderr: (text: string) => void (io.err += text) };
  return io;
};

async function check(flags: Partial<CheckFlags>) {
  const io = quiet();
  const code = await runCheck({ format: 'json', ...flags }, io);
  return { code, stderr: io.err, findings: (JSON.parse(io.out || '{"findings":[]}') as { findings: { file: string; rule: string }[] }).findings };
}

describe('a registry called contracts/shop-events.yaml', () => {
  let project: string;
  const cwd = process.cwd();
  beforeAll(async () => {
    project = await mkdtemp(path.join(tmpdir(), 'event-bus-registry-path-'));
    // The golden registry's order.placed v2 is incompatible on purpose (NONE here: no findings to start with).
    const text = await readFile(path.join(golden, 'asyncapi.yaml'), 'utf8');
    await mkdir(path.join(project, 'contracts'), { recursive: true });
    await writeFile(
      path.join(project, REGISTRY),
      text.replace('x-ordering-key: aggregateId', 'x-ordering-key: aggregateId\n    x-compatibility: NONE\n    x-compatibility-reason: A test registry.'),
    );
    await cp(path.join(golden, 'schemas'), path.join(project, 'contracts', 'schemas'), { recursive: true });
    await writeFile(path.join(project, PROJECT_CONFIG_FILE), JSON.stringify(CONFIG));
    process.chdir(project);
    const io = quiet();
    expect(await runGenerate({}, io), io.err).toBe(0);
  }, 120_000);
  afterAll(async () => {
    process.chdir(cwd);
    await rm(project, { recursive: true, force: true });
  });

  it('check passes from the config file, and from --registry/--out/--runtime-import without one', async () => {
    expect(await check({})).toMatchObject({ code: 0, findings: [] });
    await rm(path.join(project, PROJECT_CONFIG_FILE));
    try {
      expect(await check({ registry: REGISTRY, out: 'src/events', runtimeImport: CONFIG.runtimeImport })).toMatchObject({ code: 0, findings: [] });
      // Without the registry path the check looks for ./asyncapi.yaml, which this project does not have.
      expect((await check({ out: 'src/events', runtimeImport: CONFIG.runtimeImport })).code).toBe(2);
    } finally {
      await writeFile(path.join(project, PROJECT_CONFIG_FILE), JSON.stringify(CONFIG));
    }
  }, 120_000);

  it('a finding about the registry names the file as it is called', async () => {
    const file = path.join(project, REGISTRY);
    const text = await readFile(file, 'utf8');
    await writeFile(file, text.replace('x-compatibility: NONE', 'x-compatibility: SIDEWAYS'));
    try {
      const broken = await check({});
      expect(broken.code).toBe(1);
      expect(broken.findings).toContainEqual(expect.objectContaining({ file: 'shop-events.yaml', rule: 'COMPATIBILITY_MODE_INVALID' }));
    } finally {
      await writeFile(file, text);
    }
  }, 120_000);

  it('docs, schemas and infra read the registry the config names', async () => {
    expect(registryFileFor({})).toBe(path.join(project, REGISTRY));
    expect(registryFileFor({ registry: 'other.yaml' })).toBe('other.yaml');
    const io = quiet();
    await docs({ out: 'site', format: 'markdown' }, io);
    expect(io.out).toMatch(/^site\/README\.md: 2 event pages/m);
  }, 120_000);
});
