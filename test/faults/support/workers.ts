/**
 * Real worker processes for the fault suite. A worker prints one JSON object per line on stdout
 * (what it did: published, handled, state changes, final counts); the test reads them as they come.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** A JSON line of a worker; `receivedAt` (ms since epoch) is when the test read it. */
export type WorkerLine = Record<string, unknown> & { kind: string; receivedAt: number };

export interface Worker {
  readonly name: string;
  readonly child: ChildProcess;
  readonly lines: WorkerLine[];
  /** Everything the worker wrote to stderr (and stdout lines that were not JSON). */
  readonly log: () => string;
  /** Resolves with the first line (already seen or future) that matches. */
  waitFor(predicate: (line: WorkerLine) => boolean, timeoutMs: number, what: string): Promise<WorkerLine>;
  /** Resolves when the process has exited. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  kill(signal: NodeJS.Signals): void;
}

export function workerPath(name: string): string {
  return fileURLToPath(new URL(`../workers/${name}.ts`, import.meta.url));
}

export function startWorker(name: string, script: string, env: Record<string, string>): Worker {
  const child = spawn(process.execPath, ['--import', 'tsx', workerPath(script)], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: WorkerLine[] = [];
  const waiters: { predicate: (line: WorkerLine) => boolean; resolve: (line: WorkerLine) => void }[] = [];
  let pending = '';
  let log = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    pending += chunk.toString();
    let newline;
    while ((newline = pending.indexOf('\n')) >= 0) {
      const text = pending.slice(0, newline);
      pending = pending.slice(newline + 1);
      let line: WorkerLine;
      try {
        line = { ...(JSON.parse(text) as WorkerLine), receivedAt: Date.now() };
      } catch {
        log += `${text}\n`;
        continue;
      }
      lines.push(line);
      for (const waiter of [...waiters]) {
        if (waiter.predicate(line)) {
          waiters.splice(waiters.indexOf(waiter), 1);
          waiter.resolve(line);
        }
      }
    }
  });
  child.stderr!.on('data', (chunk: Buffer) => (log += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return {
    name,
    child,
    lines,
    log: () => log,
    exited,
    kill: (signal) => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    },
    waitFor(predicate, timeoutMs, what) {
      const seen = lines.find(predicate);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters.splice(waiters.indexOf(waiter), 1);
          reject(new Error(`${name}: no '${what}' within ${timeoutMs} ms; log:\n${log.slice(-4000)}`));
        }, timeoutMs);
        const waiter = {
          predicate,
          resolve: (line: WorkerLine) => {
            clearTimeout(timer);
            resolve(line);
          },
        };
        waiters.push(waiter);
        void exited.then(({ code, signal }) => {
          if (!waiters.includes(waiter)) return;
          waiters.splice(waiters.indexOf(waiter), 1);
          clearTimeout(timer);
          reject(new Error(`${name} exited (code ${code}, signal ${signal}) before '${what}'; log:\n${log.slice(-4000)}`));
        });
      });
    },
  };
}

/** Prints one JSON line (for workers). */
export function emit(kind: string, fields: Record<string, unknown> = {}): void {
  process.stdout.write(`${JSON.stringify({ kind, ...fields })}\n`);
}
