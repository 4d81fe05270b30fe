/**
 * Graceful shutdown in one call: on SIGTERM or SIGINT, close what the service runs in the order
 * given — subscribers first (they stop pulling and wait for the handlers in flight), then
 * publishers (they flush their batches and wait for the broker's acks), then relays and stores —
 * within a deadline, and exit. Cloud Run sends SIGTERM and allows 10 s; Kubernetes allows
 * `terminationGracePeriodSeconds` (30 s by default). See docs/reliability.md.
 *
 *   shutdownOnSignals([subscriber, publisher, relay, store], { timeoutMilliseconds: 8000 });
 */

/** Anything with close() (subscribers, publishers, stores, transports) or stop() (the outbox relay), or a function. */
export type ShutdownResource = { close(): Promise<void> | void } | { stop(): Promise<void> | void } | (() => Promise<void> | void);

export interface ShutdownOptions {
  /** Default ['SIGTERM', 'SIGINT']. */
  signals?: readonly NodeJS.Signals[];
  /** Everything must have closed within this time, or the exit code is 1. Default 9000 (inside Cloud Run's 10 s). */
  timeoutMilliseconds?: number;
  /** Call process.exit when done (0: all closed in time; 1: a close failed or the deadline passed). Default true. */
  exit?: boolean;
  /** Told what happened, before the exit. Default: a line on stderr when something failed. */
  onShutdown?: (report: ShutdownReport) => void;
}

export interface ShutdownReport {
  /** The signal, or 'manual' when shutdown() was called. */
  readonly reason: NodeJS.Signals | 'manual';
  /** Indexes (in the list given) of the resources that closed. */
  readonly closed: readonly number[];
  readonly failed: readonly { index: number; error: unknown }[];
  readonly timedOut: boolean;
  readonly exitCode: 0 | 1;
  readonly durationMilliseconds: number;
}

export interface ShutdownHandle {
  /** Runs the shutdown now (as a signal would); the same promise on every call. */
  shutdown(reason?: NodeJS.Signals | 'manual'): Promise<ShutdownReport>;
  /** Removes the signal listeners (nothing is closed). */
  dispose(): void;
}

export const DEFAULT_SHUTDOWN_TIMEOUT_MILLISECONDS = 9000;

async function closeOne(resource: ShutdownResource): Promise<void> {
  if (typeof resource === 'function') await resource();
  else if ('close' in resource) await resource.close();
  else await resource.stop();
}

export function shutdownOnSignals(resources: readonly ShutdownResource[], options: ShutdownOptions = {}): ShutdownHandle {
  const signals = options.signals ?? ['SIGTERM', 'SIGINT'];
  const timeout = options.timeoutMilliseconds ?? DEFAULT_SHUTDOWN_TIMEOUT_MILLISECONDS;
  let running: Promise<ShutdownReport> | undefined;

  const shutdown = (reason: NodeJS.Signals | 'manual' = 'manual'): Promise<ShutdownReport> => {
    running ??= (async () => {
      const started = Date.now();
      const closed: number[] = [];
      const failed: { index: number; error: unknown }[] = [];
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<'timeout'>((resolve) => {
        timer = setTimeout(() => resolve('timeout'), timeout);
      });
      const sequence = (async () => {
        for (const [index, resource] of resources.entries()) {
          try {
            await closeOne(resource);
            closed.push(index);
          } catch (error) {
            failed.push({ index, error });
          }
        }
        return 'done' as const;
      })();
      const outcome = await Promise.race([sequence, deadline]);
      clearTimeout(timer);
      const timedOut = outcome === 'timeout';
      const report: ShutdownReport = {
        reason,
        closed: [...closed],
        failed: [...failed],
        timedOut,
        exitCode: timedOut || failed.length > 0 ? 1 : 0,
        durationMilliseconds: Date.now() - started,
      };
      if (options.onShutdown) options.onShutdown(report);
      else if (report.exitCode !== 0) {
        console.error(
          `[event-bus] shutdown after ${reason}: ${timedOut ? `deadline of ${timeout} ms passed; ` : ''}` +
            `${closed.length} of ${resources.length} closed${failed.length ? `, failed: ${failed.map((entry) => `#${entry.index} ${String((entry.error as Error)?.message ?? entry.error)}`).join('; ')}` : ''}`,
        );
      }
      if (options.exit ?? true) process.exit(report.exitCode);
      return report;
    })();
    return running;
  };

  const listeners = new Map<NodeJS.Signals, () => void>();
  for (const signal of signals) {
    const listener = (): void => {
      // A second signal while shutting down: stop waiting.
      if (running) {
        if (options.exit ?? true) process.exit(1);
        return;
      }
      void shutdown(signal);
    };
    listeners.set(signal, listener);
    process.on(signal, listener);
  }
  return {
    shutdown,
    dispose() {
      for (const [signal, listener] of listeners) process.off(signal, listener);
      listeners.clear();
    },
  };
}
