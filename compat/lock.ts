/**
 * The released-versions lock (`registry.lock.json`): for every released event version,
 * the sha256 of the canonical JSON (sorted keys, no whitespace) of its schema file and of each
 * shared file it reaches through `$ref`. Formatting-only edits keep the hash; any other edit to a
 * released version, or to a shared definition it uses, is a finding.
 */
import { posix, relative, resolve } from 'node:path';
import { CompatInputError } from './errors.js';
import { canonicalJson, isJsonObject, sha256Hex } from './json.js';
import { parseJsonText } from './parse.js';
import type { SchemaDocument, SchemaResolver, TextSource } from './diff/resolver.js';

export const LOCK_FILE = 'registry.lock.json';
export const LOCK_ALGORITHM = 'sha256 of canonical JSON (object keys sorted, no whitespace)';

export interface LockedVersion {
  /** Registry-relative POSIX path of the schema file. */
  file: string;
  sha256: string;
  /** Shared files reached by `$ref`, registry-relative path → sha256. */
  dependencies: Record<string, string>;
}

export interface RegistryLock {
  comment: string;
  algorithm: string;
  /** event type → version (as a string key) → entry. */
  versions: Record<string, Record<string, LockedVersion>>;
}

export function emptyLock(): RegistryLock {
  return {
    comment: 'Released event versions; written by `event-bus check --update-lock`. Never edit an entry by hand.',
    algorithm: LOCK_ALGORITHM,
    versions: {},
  };
}

/** Reads the lock; undefined when there is none yet. A lock that is not a lock is unreadable input. */
export function readLock(source: TextSource, root: string, lockFile: string = LOCK_FILE): RegistryLock | undefined {
  let text: string;
  try {
    text = source.readText(resolve(root, lockFile));
  } catch (error) {
    if (error instanceof CompatInputError && error.code === 'COMPAT_FILE_MISSING') return undefined;
    throw error;
  }
  const value = parseJsonText(text, lockFile);
  if (!isJsonObject(value) || !isJsonObject(value.versions)) {
    throw new CompatInputError(
      'COMPAT_NOT_A_SCHEMA',
      lockFile,
      'not a registry lock: expected an object with "versions"',
    );
  }
  const lock = emptyLock();
  for (const [eventType, versions] of Object.entries(value.versions)) {
    if (!isJsonObject(versions))
      throw new CompatInputError('COMPAT_NOT_A_SCHEMA', lockFile, `"versions/${eventType}" is not an object`);
    lock.versions[eventType] = {};
    for (const [version, entry] of Object.entries(versions)) {
      if (!isJsonObject(entry) || typeof entry.file !== 'string' || typeof entry.sha256 !== 'string') {
        throw new CompatInputError(
          'COMPAT_NOT_A_SCHEMA',
          lockFile,
          `entry ${eventType} v${version} needs "file" and "sha256"`,
          {
            pointer: `/versions/${eventType}/${version}`,
          },
        );
      }
      const dependencies: Record<string, string> = {};
      if (isJsonObject(entry.dependencies)) {
        for (const [file, hash] of Object.entries(entry.dependencies))
          if (typeof hash === 'string') dependencies[file] = hash;
      }
      lock.versions[eventType]![version] = { file: entry.file, sha256: entry.sha256, dependencies };
    }
  }
  return lock;
}

/** Stable text: event types and files sorted, versions in numeric order, two-space JSON. */
export function formatLock(lock: RegistryLock): string {
  const versions: Record<string, Record<string, LockedVersion>> = {};
  for (const eventType of Object.keys(lock.versions).sort()) {
    const entries = lock.versions[eventType]!;
    versions[eventType] = {};
    for (const version of Object.keys(entries).sort((a, b) => Number(a) - Number(b))) {
      const entry = entries[version]!;
      const dependencies: Record<string, string> = {};
      for (const file of Object.keys(entry.dependencies).sort()) dependencies[file] = entry.dependencies[file]!;
      versions[eventType]![version] = { file: entry.file, sha256: entry.sha256, dependencies };
    }
  }
  return `${JSON.stringify({ comment: lock.comment, algorithm: lock.algorithm, versions }, null, 2)}\n`;
}

export function hashDocument(doc: SchemaDocument): string {
  return sha256Hex(canonicalJson(doc.root));
}

/** The lock entry for a version as it is now: its hash and the hashes of every file its `$ref`s reach. */
export function lockEntryFor(resolver: SchemaResolver, root: string, absolutePath: string): LockedVersion {
  const doc = resolver.load(absolutePath);
  const dependencies: Record<string, string> = {};
  for (const target of resolver.closure(doc)) dependencies[registryPath(root, target.path)] = hashDocument(target);
  return { file: registryPath(root, doc.path), sha256: hashDocument(doc), dependencies };
}

export function registryPath(root: string, absolutePath: string): string {
  return relative(root, absolutePath).split(/[\\/]/).join(posix.sep);
}
