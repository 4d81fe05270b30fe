/**
 * `event-bus projections list | status | rebuild <name>`: the read models kept in a store's
 * database (docs/projections.md).
 *   list     the projections recorded there: mode, version, generation, tables.
 *   status   checkpoint, head position, lag, lease and rebuild progress per projection;
 *            with --max-lag N, exit 1 when any projection is further behind than N events.
 *   rebuild  rebuilds one projection from position 0 into new tables and switches over while
 *            the old tables keep serving; progress on stderr. The definitions come from
 *            --module <file> (exporting `projections`, optionally `upcasters`), by default
 *            the demo's read models.
 * Where: --sqlite <path> | --database-url <url> (default DATABASE_URL, then .event-bus/events.db),
 * --postgres-schema <name>. `list` and `status` are read-only: they never create a database.
 * Exit codes (cli/plumbing.ts): 0 done; 1 lag above --max-lag; 2 usage error, unknown projection
 * or no such database; 3 database failure.
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Option, type Command } from 'commander';
import type { EventCatalog } from '../../runtime/catalog.js';
import {
  closeDatabase,
  EventStore,
  openDatabase,
  openPostgresBackend,
  openSqliteBackend,
  resolveDatabaseTarget,
  type DatabaseHandle,
  type EventStoreBackend,
  type UpcasterMap,
} from '../../runtime/store/index.js';
import {
  listProjectionStates,
  projectionDatabaseOf,
  projectionStatuses,
  rebuildProjection,
  UnknownProjectionError,
  type AnyProjection,
  type ProjectionStatus,
  type RebuildProgress,
} from '../../store.js';
import { addDatabaseOptions, addFormatOption, databaseOptionsOf, existingDatabaseOptionsOf, type DatabaseFlags } from '../flags.js';
import { clean, UsageError, verbAction, type VerbResult } from '../plumbing.js';
import { describeTarget } from './store.js';

export const FLAG_MAX_LAG = '--max-lag <events>';
export const FLAG_MODULE = '--module <file>';
export const FLAG_BATCH_SIZE = '--batch-size <events>';
export const FLAG_MODE = '--mode <mode>';

interface Flags extends DatabaseFlags {
  format: 'text' | 'json';
}
interface StatusFlags extends Flags {
  maxLag?: string;
}
interface RebuildFlags extends Flags {
  module?: string;
  batchSize?: string;
  mode?: 'inline' | 'async';
}

function wholeNumber(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 0) throw new UsageError(`${flag} must be a whole number >= 0 (got '${value}')`);
  return n;
}

/** Read-only: a SQLite file that does not exist is a usage error, not a new empty store. */
async function withDatabase<T>(
  flags: DatabaseFlags,
  body: (db: DatabaseHandle, where: string) => Promise<T>,
): Promise<T> {
  const target = resolveDatabaseTarget(existingDatabaseOptionsOf(flags));
  const db = await openDatabase(target);
  try {
    return await body(db, describeTarget(target));
  } finally {
    await closeDatabase(db);
  }
}

export async function runList(flags: Flags): Promise<VerbResult> {
  return withDatabase(flags, async (db, where) => {
      const states = await listProjectionStates(db);
      const list = states.map((s) => ({
        name: s.name,
        mode: s.mode,
        version: s.version,
        generation: s.generation,
        eventTypes: s.eventTypes,
        tables: s.tables,
      }));
      if (flags.format === 'json') process.stdout.write(`${JSON.stringify({ database: where, projections: list })}\n`);
      else {
        if (list.length === 0) process.stdout.write(`${where}: no projections\n`);
        for (const p of list)
          process.stdout.write(
            `${p.name}  ${p.mode}  v${p.version}  generation ${p.generation}  tables ${p.tables.join(', ')}  (${p.eventTypes.join(', ')})\n`,
          );
      }
      return { findings: 0 };
  });
}

function statusLine(s: ProjectionStatus): string {
  const parts = [
    s.name,
    s.mode,
    `v${s.version}`,
    `generation ${s.generation}`,
    s.checkpoint === null ? undefined : `checkpoint ${s.checkpoint}`,
    s.headPosition === null ? undefined : `head ${s.headPosition}`,
    `lag ${s.lag ?? 'n/a'}`,
    s.lease ? `lease ${s.lease.owner}${s.lease.active ? ` until ${s.lease.until}` : ' (expired)'}` : undefined,
    s.rebuild
      ? `rebuilding v${s.rebuild.version} into generation ${s.rebuild.generation}: ${s.rebuild.processed}/${s.rebuild.total}`
      : undefined,
  ];
  return parts.filter((part) => part !== undefined).join('  ');
}

export async function runStatus(flags: StatusFlags): Promise<VerbResult> {
  const maxLag = wholeNumber('--max-lag', flags.maxLag);
  return withDatabase(flags, async (db, where) => {
      const statuses = await projectionStatuses(db);
      const behind = maxLag === undefined ? [] : statuses.filter((s) => s.lag !== null && s.lag > maxLag);
      if (flags.format === 'json')
        process.stdout.write(
          `${JSON.stringify({ database: where, projections: statuses, ...(maxLag !== undefined && { behind: behind.map((s) => s.name) }) })}\n`,
        );
      else {
        if (statuses.length === 0) process.stdout.write(`${where}: no projections\n`);
        for (const s of statuses) process.stdout.write(`${statusLine(s)}\n`);
        for (const s of behind) process.stdout.write(`${s.name}: lag ${s.lag} is above --max-lag ${maxLag}\n`);
      }
      return { findings: behind.length };
  });
}

interface DefinitionModule {
  projections?: readonly AnyProjection[];
  upcasters?: UpcasterMap;
  catalog?: EventCatalog;
}

async function loadDefinitions(module: string | undefined): Promise<DefinitionModule> {
  const url =
    module === undefined
      ? new URL('../demo/read-models.js', import.meta.url).href
      : pathToFileURL(resolve(module)).href;
  let loaded: DefinitionModule;
  try {
    loaded = (await import(url)) as DefinitionModule;
  } catch (error) {
    throw new UsageError(`cannot load --module ${module}: ${(error as Error).message}`);
  }
  if (!Array.isArray(loaded.projections)) throw new UsageError(`--module ${module} exports no \`projections\` array`);
  return loaded;
}

async function generatedCatalog(): Promise<EventCatalog> {
  const generated = (await import(new URL('../../generated/catalog.js', import.meta.url).href)) as {
    catalog: EventCatalog;
  };
  return generated.catalog;
}

export async function runRebuild(name: string, flags: RebuildFlags): Promise<VerbResult> {
  let backend: EventStoreBackend | undefined;
  try {
    const batchSize = wholeNumber('--batch-size', flags.batchSize);
    const definitions = await loadDefinitions(flags.module);
    const projection = definitions.projections!.find((p) => p.name === name);
    if (!projection)
      throw new UnknownProjectionError(
        name,
        definitions.projections!.map((p) => p.name),
      );
    const options = databaseOptionsOf(flags);
    const target = resolveDatabaseTarget(options);
    backend =
      target.kind === 'sqlite'
        ? await openSqliteBackend(target.path)
        : await openPostgresBackend(options, { migrate: false });
    const store = new EventStore({
      catalog: definitions.catalog ?? (await generatedCatalog()),
      backend,
      ...(definitions.upcasters && { upcasters: definitions.upcasters }),
    });
    const db = projectionDatabaseOf(backend);
    const recorded = (await listProjectionStates(db)).find((s) => s.name === name);
    const mode = flags.mode ?? (recorded?.mode === 'inline' ? 'inline' : 'async');
    const started = Date.now();
    const onProgress = (p: RebuildProgress) => {
      if (flags.format === 'json') process.stderr.write(`${JSON.stringify(p)}\n`);
      else if (p.phase === 'building')
        process.stderr.write(`${p.projection}: ${p.processed}/${p.total} events into generation ${p.generation}\n`);
      else process.stderr.write(`${p.projection}: switched to generation ${p.generation}\n`);
    };
    const result = await rebuildProjection({
      store,
      db,
      projection,
      mode,
      ...(batchSize !== undefined && batchSize > 0 && { batchSize }),
      onProgress,
    });
    const summary = { database: describeTarget(target), projection: name, mode, ...result, ms: Date.now() - started };
    if (flags.format === 'json') process.stdout.write(`${JSON.stringify(summary)}\n`);
    else
      process.stdout.write(
        `rebuilt ${name} (${mode}) into generation ${result.generation}: ${result.processed} events, position ${result.position}\n`,
      );
    return clean();
  } finally {
    await backend?.close();
  }
}

export function register(program: Command): void {
  const projections = program
    .command('projections')
    .description('Read models (CQRS projections) kept in the store database: list, status, rebuild');
  addFormatOption(addDatabaseOptions(projections.command('list').description('Projections recorded in the database'))).action(
    verbAction('projections list', (flags: Flags) => runList(flags)),
  );
  addFormatOption(
    addDatabaseOptions(projections.command('status').description('Checkpoint, lag, lease and rebuild progress per projection')),
  )
    .option(FLAG_MAX_LAG, 'exit 1 when a projection lags by more than this many events')
    .action(verbAction('projections status', (flags: StatusFlags) => runStatus(flags)));
  addFormatOption(
    addDatabaseOptions(
      projections
        .command('rebuild')
        .description('Rebuild one projection into new tables and switch over when caught up')
        .argument('<name>', 'projection name'),
    ),
  )
    .option(FLAG_MODULE, 'module exporting `projections` (default: the demo read models)')
    .option(FLAG_BATCH_SIZE, 'events per transaction')
    .addOption(
      new Option(FLAG_MODE, 'how the projection is kept (default: as recorded, else async)').choices([
        'inline',
        'async',
      ]),
    )
    .action(verbAction('projections rebuild', (name: string, flags: RebuildFlags) => runRebuild(name, flags)));
}
