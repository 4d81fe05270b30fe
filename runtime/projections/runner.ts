/**
 * The async projection runner: tails the store's global order (gap-safe on PostgreSQL) and
 * applies each batch and its checkpoint in ONE transaction, so a crash never applies an event
 * twice nor skips one. Runners on one database elect one active runner per projection by a
 * lease in the state row; the batch transaction re-checks the checkpoint and the lease owner
 * (fencing), so even a runner that outlived its lease cannot apply a batch twice.
 *
 *   const runner = new ProjectionRunner({ store, projection: documentBoard });
 *   runner.start();            // or: await runner.catchUp();
 *   ...
 *   await runner.stop();
 */
import { randomUUID } from 'node:crypto';
import type { DatabaseHandle } from '../store/database.js';
import { applyEvents } from './apply.js';
import type { ProjectionEventSource } from './events.js';
import { rebuildProjection, type RebuildProgress } from './rebuild.js';
import {
  ensureProjectionTables,
  execute,
  executeIn,
  inTransaction,
  loadState,
  projectionContext,
  projectionDatabaseOf,
  readState,
  registerState,
} from './sql.js';
import { assertValidProjection, type AnyProjection } from './types.js';

export const DEFAULT_PROJECTION_BATCH_SIZE = 500;
export const DEFAULT_PROJECTION_LEASE_MS = 30_000;
export const DEFAULT_PROJECTION_POLL_INTERVAL_MS = 250;

export interface ProjectionRunnerOptions {
  readonly store: ProjectionEventSource;
  /** Default: the store's own database. */
  readonly db?: DatabaseHandle;
  readonly projection: AnyProjection;
  /** This runner's id in the lease (default: random). */
  readonly owner?: string;
  /** Events per transaction. */
  readonly batchSize?: number;
  /** How long the lease lasts without a renewal (each batch renews it). */
  readonly leaseMs?: number;
  /** Wait between polls when caught up or on standby. */
  readonly pollIntervalMs?: number;
  readonly onError?: (error: unknown) => void;
  readonly onRebuildProgress?: (progress: RebuildProgress) => unknown;
}

export type RunnerStepStatus =
  /** Another runner holds the lease. */
  | 'standby'
  /** Nothing new after the checkpoint. */
  | 'idle'
  /** A batch was applied and checkpointed. */
  | 'applied'
  /** The checkpoint moved under us (another runner, a rebuild's switch-over): nothing applied. */
  | 'conflict'
  /** The projection was new or at another version: rebuilt and switched over. */
  | 'rebuilt';

export interface RunnerStep {
  readonly status: RunnerStepStatus;
  readonly applied: number;
  readonly checkpoint: number;
  /** True when the store had nothing more for this projection at the time of the read. */
  readonly caughtUp: boolean;
}

export class ProjectionRunner {
  readonly owner: string;
  readonly projection: AnyProjection;
  private readonly options: ProjectionRunnerOptions;
  private readonly batchSize: number;
  private readonly leaseMs: number;
  private readonly pollIntervalMs: number;
  private dbPromise: Promise<DatabaseHandle> | undefined;
  private loop: Promise<void> | undefined;
  private running = false;
  private wake: (() => void) | undefined;
  /** Batches this runner committed (for tests and metrics). */
  batchesApplied = 0;
  eventsApplied = 0;

  constructor(options: ProjectionRunnerOptions) {
    assertValidProjection(options.projection);
    this.options = options;
    this.projection = options.projection;
    this.owner = options.owner ?? `runner-${randomUUID()}`;
    this.batchSize = options.batchSize ?? DEFAULT_PROJECTION_BATCH_SIZE;
    this.leaseMs = options.leaseMs ?? DEFAULT_PROJECTION_LEASE_MS;
    this.pollIntervalMs = options.pollIntervalMs ?? DEFAULT_PROJECTION_POLL_INTERVAL_MS;
  }

  private database(): Promise<DatabaseHandle> {
    this.dbPromise ??= (async () => {
      const db = this.options.db ?? projectionDatabaseOf(await this.options.store.getBackend());
      await ensureProjectionTables(db);
      await registerState(db, this.projection, 'async');
      return db;
    })();
    return this.dbPromise;
  }

  /** Takes or renews the lease; false when another runner holds it. */
  private async acquireLease(db: DatabaseHandle): Promise<boolean> {
    const now = Date.now();
    const { changes } = await execute(
      db,
      `UPDATE projection_state SET lease_owner = ?, lease_until_ms = ?
       WHERE name = ? AND (lease_owner IS NULL OR lease_owner = ? OR lease_until_ms < ?)`,
      [this.owner, now + this.leaseMs, this.projection.name, this.owner, now],
    );
    return changes > 0;
  }

  /** One round: lease, (re)build if needed, read one batch, apply it with its checkpoint. */
  async step(): Promise<RunnerStep> {
    const db = await this.database();
    const name = this.projection.name;
    if (!(await this.acquireLease(db))) {
      const state = await loadState(db, name);
      return { status: 'standby', applied: 0, checkpoint: state?.checkpoint ?? 0, caughtUp: false };
    }
    const state = (await loadState(db, name))!;
    if (state.generation === 0 || state.version !== this.projection.version || state.mode !== 'async') {
      const result = await rebuildProjection({
        store: this.options.store,
        db,
        projection: this.projection,
        mode: 'async',
        owner: this.owner,
        batchSize: this.batchSize,
        ...(this.options.onRebuildProgress && { onProgress: this.options.onRebuildProgress }),
      });
      return { status: 'rebuilt', applied: result.processed, checkpoint: result.position, caughtUp: false };
    }
    const page = await this.options.store.readAll({
      after: state.checkpoint,
      limit: this.batchSize,
      eventTypes: this.projection.eventTypes,
    });
    if (page.events.length === 0) return { status: 'idle', applied: 0, checkpoint: state.checkpoint, caughtUp: true };
    const committed = await inTransaction(db, async (transaction) => {
      const current = await readState(transaction, name, { forUpdate: true });
      if (
        !current ||
        current.checkpoint !== state.checkpoint ||
        current.generation !== state.generation ||
        current.leaseOwner !== this.owner
      )
        return false;
      await applyEvents(
        this.projection,
        page.events,
        projectionContext(transaction, this.projection, current.generation),
      );
      await executeIn(
        transaction,
        'UPDATE projection_state SET checkpoint = ?, lease_until_ms = ?, updated_at = ? WHERE name = ?',
        [page.lastPosition, Date.now() + this.leaseMs, new Date().toISOString(), name],
      );
      return true;
    });
    if (!committed) return { status: 'conflict', applied: 0, checkpoint: state.checkpoint, caughtUp: false };
    this.batchesApplied++;
    this.eventsApplied += page.events.length;
    return { status: 'applied', applied: page.events.length, checkpoint: page.lastPosition, caughtUp: page.caughtUp };
  }

  /**
   * Steps until caught up. Returns false (without waiting) when another runner holds the lease.
   */
  async catchUp(): Promise<boolean> {
    for (;;) {
      const step = await this.step();
      if (step.status === 'standby') return false;
      if (step.caughtUp) return true;
    }
  }

  /** Runs in the background until stop(): polls when caught up or on standby. */
  start(): void {
    if (this.loop) return;
    this.running = true;
    this.loop = (async () => {
      while (this.running) {
        let pause = false;
        try {
          const step = await this.step();
          pause = step.status === 'standby' || step.status === 'idle';
        } catch (error) {
          this.options.onError?.(error);
          pause = true;
        }
        if (pause && this.running) {
          await new Promise<void>((resolve) => {
            const timer = setTimeout(resolve, this.pollIntervalMs);
            this.wake = () => {
              clearTimeout(timer);
              resolve();
            };
          });
          this.wake = undefined;
        }
      }
    })();
  }

  /** Stops the loop after the current step and gives the lease up (a standby takes over at once). */
  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
    this.loop = undefined;
    const db = await this.database().catch(() => undefined);
    if (db)
      await execute(
        db,
        'UPDATE projection_state SET lease_owner = NULL, lease_until_ms = NULL WHERE name = ? AND lease_owner = ?',
        [this.projection.name, this.owner],
      ).catch(() => undefined);
  }
}
