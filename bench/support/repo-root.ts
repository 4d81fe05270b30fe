/**
 * The repository root, found from this module upwards, so a bench reads the registry the same way
 * whether it runs from bench/ under tsx or compiled into dist-bench/ (the built output).
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

function findRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = path.join(dir, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === '@clone/event-bus') return dir;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error('bench: cannot find the repository root (package.json of @clone/event-bus)');
    dir = parent;
  }
}

export const REPO_ROOT = findRoot();
