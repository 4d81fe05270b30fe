/**
 * `event-bus check`: the registry's CI gate. (a) asyncapi.yaml is valid, (b) generated/ is up to
 * date, (c) released versions are untouched (the lock file), (d) each version is compatible with
 * the earlier ones of its event type under the channel's mode; with a base ref, also (e) nothing
 * that existed at the base changed or disappeared.
 */
import { writeFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { CompatInputError } from '../errors.js';
import { sortFindings, type Finding } from '../findings.js';
import { canonicalJson } from '../json.js';
import { SourceLocator } from '../../registry/locate.js';
import {
  emptyLock,
  formatLock,
  lockEntryFor,
  LOCK_FILE,
  readLock,
  type LockedVersion,
  type RegistryLock,
} from '../lock.js';
import { DiskSource, GitSource, assertGitRef } from '../sources.js';
import { diffSchemas, MODES, type CompatibilityMode } from '../diff/modes.js';
import { POLICIES, type Policy } from '../diff/rules.js';
import { SchemaResolver, type SchemaNode, type TextSource } from '../diff/resolver.js';
import { validateAsyncApi } from './asyncapi.js';
import { checkGeneratedFresh, type GeneratedSettings } from './generated.js';
import { ASYNCAPI_FILE, readRegistryIndex, registryDisplayName, type RegistryEventType, type RegistryIndex } from './registry.js';
import { guardRegistry } from '../../generator/guard/registry-guard.js';

export interface CheckOptions {
  /** Registry root (holds the registry document, schemas/, generated/). */
  root: string;
  /** The registry document, absolute or relative to the root; any file name. Default asyncapi.yaml. */
  registry?: string;
  /** Git ref to compare with, as a pull request check would (e.g. origin/main). */
  base?: string;
  /** Record every version not yet in the lock as released. */
  updateLock?: boolean;
  /** Run the generator in check mode (default true). */
  generated?: boolean;
  /** Validate asyncapi.yaml with @asyncapi/parser (default true). */
  asyncapi?: boolean;
  /** Registry-relative path of the lock; default registry.lock.json. */
  lockFile?: string;
  /** How the project generates (output folder, runtime import): the freshness check compares against it. */
  generatedSettings?: GeneratedSettings;
}

export interface CheckReport {
  /** Sorted, de-duplicated; compatible ones are informational (e.g. a loosening between versions). */
  findings: Finding[];
  /** Things the user should know that are not findings (a step skipped, versions locked). */
  notes: string[];
  /** `type vN` of each version written to the lock by `updateLock`. */
  locked: string[];
}

interface LoadedVersion {
  version: number;
  file: string;
  node: SchemaNode;
}

export async function checkRegistry(options: CheckOptions): Promise<CheckReport> {
  const root = resolve(options.root);
  const display = (path: string): string => {
    const rel = relative(root, path).split('\\').join('/');
    return rel.startsWith('..') ? path : rel;
  };
  if (options.base !== undefined) assertGitRef(options.base);
  const registryFile = resolve(root, options.registry ?? ASYNCAPI_FILE);
  const registryName = registryDisplayName(root, registryFile);
  // Hostile registries are refused before any reader, parser or resolver runs (docs/security.md).
  guardRegistry(registryFile, { root, display });
  const source = new DiskSource(display);
  const locator = new SourceLocator();
  const findings: Finding[] = [];
  const notes: string[] = [];
  const index = readRegistryIndex(source, root, registryFile);
  const atAsyncApi = (pointer: string, rule: string, message: string, compatible = false): Finding => ({
    file: registryName,
    ...locator.locate(index.text, pointer),
    rule,
    message,
    pointer,
    compatible,
  });

  for (const problem of index.problems) {
    findings.push(
      problem.file === undefined
        ? atAsyncApi(problem.pointer, problem.rule, problem.message)
        : { file: problem.file, line: problem.line ?? 1, column: problem.column ?? 1, rule: problem.rule, message: problem.message, pointer: problem.pointer, compatible: false },
    );
  }
  notes.push(...index.skipped);
  let asyncApiValid = index.problems.length === 0;
  if (options.asyncapi !== false) {
    const invalid = await validateAsyncApi(root, index.text, source, asyncApiValid ? index.model : undefined, registryFile);
    asyncApiValid &&= invalid.length === 0;
    findings.push(...invalid);
  }
  if (options.generated !== false) {
    if (!asyncApiValid) notes.push(`generated/ was not checked: ${registryName} is invalid`);
    else {
      const fresh = await checkGeneratedFresh(root, { ...options.generatedSettings, input: options.generatedSettings?.input ?? registryFile });
      findings.push(...fresh.findings);
      if (fresh.skipped?.startsWith('generation failed')) {
        findings.push(
          atAsyncApi(
            '',
            'GENERATION_FAILED',
            `The generator cannot build generated/ from this registry: ${fresh.skipped.slice('generation failed: '.length)}`,
          ),
        );
      } else if (fresh.skipped) notes.push(`generated/ was not checked: ${fresh.skipped}`);
    }
  }

  const resolver = new SchemaResolver(source, display);
  const loaded = new Map<string, LoadedVersion[]>();
  for (const eventType of index.eventTypes) {
    const versions: LoadedVersion[] = [];
    for (const version of eventType.versions) {
      try {
        versions.push({
          version: version.version,
          file: version.file,
          node: resolver.rootNode(resolve(root, version.file)),
        });
      } catch (error) {
        if (!(error instanceof CompatInputError)) throw error;
        const missing = error.code === 'COMPAT_FILE_MISSING';
        findings.push(
          missing
            ? atAsyncApi(
                version.pointer,
                'SCHEMA_FILE_MISSING',
                `${eventType.type} v${version.version}: ${version.file} does not exist.`,
              )
            : unreadableSchema(error, version.file),
        );
      }
    }
    loaded.set(eventType.type, versions);
    findings.push(...checkCompatibility(eventType, versions, locator, atAsyncApi));
  }

  const lockFile = options.lockFile ?? LOCK_FILE;
  const lockText = safeRead(source, resolve(root, lockFile));
  const lock = readLock(source, root, lockFile);
  const current = currentEntries(resolver, root, index, loaded, findings);
  const atLock = (pointer: string, rule: string, message: string): Finding => ({
    file: lockFile,
    ...(lockText ? locator.locate(lockText, pointer) : { line: 1, column: 1 }),
    rule,
    message,
    pointer,
    compatible: false,
  });
  if (lock) findings.push(...checkLock(lock, lockFile, current, index, resolver, root, atAsyncApi, atLock));
  else if (!options.updateLock)
    notes.push(
      `${lockFile} does not exist yet: no version is released; \`event-bus check --update-lock\` records them`,
    );

  const locked: string[] = [];
  if (options.updateLock) {
    const next = lock ?? emptyLock();
    for (const [key, entry] of current) {
      const [eventType, version] = splitKey(key);
      next.versions[eventType] ??= {};
      if (next.versions[eventType]![version]) continue;
      next.versions[eventType]![version] = entry;
      locked.push(`${eventType} v${version}`);
    }
    if (locked.length > 0 || !lock) writeFileSync(resolve(root, lockFile), formatLock(next));
    notes.push(locked.length > 0 ? `locked ${locked.join(', ')}` : 'the lock already holds every version');
  } else if (lock) {
    const unlocked = [...current.keys()].filter((key) => {
      const [eventType, version] = splitKey(key);
      return !lock.versions[eventType]?.[version];
    });
    if (unlocked.length > 0)
      notes.push(`not released yet (not in ${lockFile}): ${unlocked.map((key) => key.replace('#', ' v')).join(', ')}`);
  }

  if (options.base !== undefined)
    findings.push(...(await checkAgainstBase(root, registryFile, options.base, index, loaded, locator, atAsyncApi)));
  return { findings: sortFindings(findings), notes, locked };
}

type AtAsyncApi = (pointer: string, rule: string, message: string, compatible?: boolean) => Finding;

function checkCompatibility(
  eventType: RegistryEventType,
  versions: LoadedVersion[],
  locator: SourceLocator,
  atAsyncApi: AtAsyncApi,
): Finding[] {
  const findings: Finding[] = [];
  const modePointer = `${eventType.pointer}/x-compatibility`;
  let mode: CompatibilityMode = 'BACKWARD';
  if ((MODES as readonly string[]).includes(eventType.mode)) mode = eventType.mode as CompatibilityMode;
  else
    findings.push(
      atAsyncApi(
        modePointer,
        'COMPATIBILITY_MODE_INVALID',
        `${eventType.type}: x-compatibility "${eventType.mode}" is not one of ${MODES.join(', ')}; checking as BACKWARD.`,
      ),
    );
  if (mode !== 'BACKWARD' && !eventType.reason?.trim()) {
    findings.push(
      atAsyncApi(
        eventType.modeDeclared ? modePointer : eventType.pointer,
        'COMPATIBILITY_REASON_MISSING',
        `${eventType.type}: x-compatibility ${mode} needs an x-compatibility-reason saying why.`,
      ),
    );
  }
  let policy: Policy = 'STRICT';
  if ((POLICIES as readonly string[]).includes(eventType.policy)) policy = eventType.policy as Policy;
  else {
    findings.push(
      atAsyncApi(
        `${eventType.pointer}/x-compatibility-policy`,
        'COMPATIBILITY_POLICY_INVALID',
        `${eventType.type}: x-compatibility-policy "${eventType.policy}" is not one of ${POLICIES.join(', ')}; checking as STRICT.`,
      ),
    );
  }
  if (mode === 'NONE') return findings;
  const sorted = [...versions].sort((a, b) => a.version - b.version);
  for (let i = 1; i < sorted.length; i += 1) {
    const candidate = sorted[i]!;
    const targets = mode.endsWith('_TRANSITIVE') ? sorted.slice(0, i) : [sorted[i - 1]!];
    for (const target of targets) {
      let result;
      try {
        result = diffSchemas(locator, target.node, candidate.node, { mode, policy });
      } catch (error) {
        if (!(error instanceof CompatInputError)) throw error;
        findings.push(unreadableSchema(error));
        continue;
      }
      for (const finding of result.findings) {
        if (finding.compatible) continue;
        findings.push({
          ...finding,
          eventType: eventType.type,
          version: candidate.version,
          message: `${eventType.type} v${candidate.version} is not ${mode} compatible with v${target.version}: ${finding.message}`,
        });
      }
    }
  }
  return findings;
}

/** A schema file that cannot be read or resolved: a finding at the file (and pointer) it names. */
function unreadableSchema(error: CompatInputError, file = error.file): Finding {
  return {
    file,
    line: 1,
    column: 1,
    rule: 'SCHEMA_UNREADABLE',
    message: error.message,
    pointer: file === error.file ? (error.pointer ?? '') : '',
    compatible: false,
  };
}

function splitKey(key: string): [string, string] {
  const at = key.lastIndexOf('#');
  return [key.slice(0, at), key.slice(at + 1)];
}

/** Lock entries for every version as it is now, keyed `type#version`. */
function currentEntries(
  resolver: SchemaResolver,
  root: string,
  index: RegistryIndex,
  loaded: Map<string, LoadedVersion[]>,
  findings: Finding[],
): Map<string, LockedVersion> {
  const entries = new Map<string, LockedVersion>();
  for (const eventType of index.eventTypes) {
    for (const version of loaded.get(eventType.type) ?? []) {
      try {
        entries.set(`${eventType.type}#${version.version}`, lockEntryFor(resolver, root, resolve(root, version.file)));
      } catch (error) {
        if (!(error instanceof CompatInputError)) throw error;
        findings.push(unreadableSchema(error));
      }
    }
  }
  return entries;
}

function checkLock(
  lock: RegistryLock,
  lockFile: string,
  current: Map<string, LockedVersion>,
  index: RegistryIndex,
  resolver: SchemaResolver,
  root: string,
  atAsyncApi: AtAsyncApi,
  atLock: (pointer: string, rule: string, message: string) => Finding,
): Finding[] {
  const findings: Finding[] = [];
  const changedDependencies = new Map<string, string[]>();
  for (const [eventType, versions] of Object.entries(lock.versions)) {
    for (const [version, locked] of Object.entries(versions)) {
      const now = current.get(`${eventType}#${version}`);
      const label = `${eventType} v${version}`;
      if (!now) {
        const channel = index.eventTypes.find((item) => item.type === eventType);
        const message = `${label} is released (in ${lockFile}) but the registry no longer has it; released versions stay. Restore ${locked.file} and its message.`;
        findings.push(
          channel
            ? atAsyncApi(channel.pointer, 'RELEASED_VERSION_MISSING', message)
            : atLock(`/versions/${eventType}/${version}`, 'RELEASED_VERSION_MISSING', message),
        );
        continue;
      }
      if (now.sha256 !== locked.sha256 || now.file !== locked.file) {
        findings.push({
          file: now.file,
          line: 1,
          column: 1,
          rule: 'RELEASED_VERSION_MODIFIED',
          message: `${label} is released and must not change (locked sha256 ${locked.sha256.slice(0, 12)}…, now ${now.sha256.slice(0, 12)}…${now.file !== locked.file ? `, file moved from ${locked.file}` : ''}); put the change in a new version instead.`,
          pointer: '',
          compatible: false,
          eventType,
          version: Number(version),
        });
      }
      for (const [file, hash] of Object.entries(locked.dependencies)) {
        let nowHash = now.dependencies[file];
        if (nowHash === undefined) {
          // The version no longer reaches this file (its own hash changed and is reported); still check the file.
          try {
            nowHash = lockEntryFor(resolver, root, resolve(root, file)).sha256;
          } catch {
            nowHash = 'missing';
          }
        }
        if (nowHash !== hash) changedDependencies.set(file, [...(changedDependencies.get(file) ?? []), label]);
      }
    }
  }
  for (const [file, users] of changedDependencies) {
    findings.push({
      file,
      line: 1,
      column: 1,
      rule: 'RELEASED_DEPENDENCY_MODIFIED',
      message: `${file} changed, and released versions use it (${users.join(', ')}); add a new definition instead of changing a released one.`,
      pointer: '',
      compatible: false,
    });
  }
  return findings;
}

/** The registry at a git ref, compared version by version with the working tree. */
async function checkAgainstBase(
  root: string,
  registryFile: string,
  ref: string,
  index: RegistryIndex,
  loaded: Map<string, LoadedVersion[]>,
  locator: SourceLocator,
  atAsyncApi: AtAsyncApi,
): Promise<Finding[]> {
  const baseSource = new GitSource(root, ref);
  if (!baseSource.has(registryFile)) return [];
  guardRegistry(registryFile, {
    root,
    read: (file) => (baseSource.has(file) ? baseSource.readText(file) : undefined),
    display: (file) => `${ref}:${relative(root, file).split('\\').join('/')}`,
  });
  const baseIndex = readRegistryIndex(baseSource, root, registryFile);
  const baseResolver = new SchemaResolver(baseSource, (path) => `${ref}:${relative(root, path).split('\\').join('/')}`);
  const findings: Finding[] = [];
  const grouped = new Map<string, { change: Finding; labels: string[] }>();
  for (const baseType of baseIndex.eventTypes) {
    const now = index.eventTypes.find((item) => item.type === baseType.type);
    if (!now) {
      findings.push(
        atAsyncApi(
          '/channels',
          'EVENT_TYPE_REMOVED_SINCE_BASE',
          `${baseType.type} exists at ${ref} and is gone now; consumers and stored events still use it.`,
        ),
      );
      continue;
    }
    for (const baseVersion of baseType.versions) {
      const current = loaded.get(baseType.type)?.find((item) => item.version === baseVersion.version);
      const label = `${baseType.type} v${baseVersion.version}`;
      if (!current) {
        if (now.versions.some((item) => item.version === baseVersion.version)) continue; // unreadable now: reported already
        findings.push(
          atAsyncApi(now.pointer, 'VERSION_REMOVED_SINCE_BASE', `${label} exists at ${ref} and is gone now.`),
        );
        continue;
      }
      let baseNode: SchemaNode;
      try {
        baseNode = baseResolver.rootNode(resolve(root, baseVersion.file));
      } catch (error) {
        if (error instanceof CompatInputError) continue; // broken at the base: nothing to protect
        throw error;
      }
      const baseEntry = safeEntry(baseResolver, root, baseVersion.file);
      const nowEntry = safeEntry(current.node.doc.owner, root, current.file);
      if (baseEntry && nowEntry && canonicalJson(baseEntry) === canonicalJson(nowEntry)) continue;
      const differences = diffSchemas(locator, baseNode, current.node, { mode: 'NONE', policy: 'STRICT' }).findings;
      const changes = differences.filter((finding) => finding.direction === 'backward');
      if (changes.length === 0) {
        findings.push({
          file: current.file,
          line: 1,
          column: 1,
          rule: 'VERSION_MODIFIED_SINCE_BASE',
          message: `${label} changed since ${ref}.`,
          pointer: '',
          compatible: false,
          eventType: baseType.type,
          version: baseVersion.version,
        });
      }
      for (const change of changes) {
        // A change inside a shared definition is one finding naming every version that uses it.
        const key = `${change.file}\u0000${change.pointer}\u0000${change.rule}`;
        const seen = grouped.get(key);
        if (seen) {
          if (!seen.labels.includes(label)) seen.labels.push(label);
        } else grouped.set(key, { change, labels: [label] });
      }
    }
  }
  for (const { change, labels } of grouped.values()) {
    const subject = labels.length === 1 ? `${labels[0]} changed` : `${labels.join(', ')} changed`;
    findings.push({
      ...change,
      rule: 'VERSION_MODIFIED_SINCE_BASE',
      compatible: false,
      message: `${subject} since ${ref} (${change.rule}): ${change.message}`,
    });
  }
  return findings;
}

function safeEntry(resolver: SchemaResolver, root: string, file: string): LockedVersion | undefined {
  try {
    return lockEntryFor(resolver, root, resolve(root, file));
  } catch {
    return undefined;
  }
}

function safeRead(source: TextSource, path: string): string | undefined {
  try {
    return source.readText(path);
  } catch {
    return undefined;
  }
}
