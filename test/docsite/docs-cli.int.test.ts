/** `event-bus docs` as a user runs it: the real CLI process, its output folder and its exits. */
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { buildDocsSite } from '../../docsite/index.js';
import { FIXTURES, REPO_ROOT } from '../generator/support.js';

const execFileAsync = promisify(execFile);
const REGISTRY = path.join(REPO_ROOT, 'asyncapi.yaml');
const HOSTILE = path.join(FIXTURES, 'hostile', 'asyncapi.yaml');

describe('event-bus docs', () => {
  it('the CLI writes the site, cleans only its own stale pages, and exits 2 on an unreadable registry', async () => {
    const out = mkdtempSync(path.join(tmpdir(), 'event-docs-'));
    try {
      const tsx = path.join(REPO_ROOT, 'node_modules', '.bin', 'tsx');
      const bin = path.join(REPO_ROOT, 'cli', 'bin.ts');
      const { stdout } = await execFileAsync(tsx, [bin, 'docs', '--input', REGISTRY, '--out', out], { cwd: REPO_ROOT });
      expect(stdout).toContain('10 event pages, 14 files');
      expect(readdirSync(path.join(out, 'events'))).toHaveLength(10);
      const result = await buildDocsSite({ input: HOSTILE, out });
      expect(result.removed.length).toBeGreaterThan(0);
      expect(result.removed.every((file) => file.startsWith('events/'))).toBe(true);
      expect(readFileSync(path.join(out, 'index.html'), 'utf8')).toContain('Hostile');
      const failed = await execFileAsync(tsx, [bin, 'docs', '--input', path.join(out, 'missing.yaml'), '--out', out], {
        cwd: REPO_ROOT,
      }).catch((error: { code: number; stderr: string }) => error);
      expect((failed as { code: number }).code).toBe(2);
      expect((failed as { stderr: string }).stderr).toContain('missing.yaml');
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});
