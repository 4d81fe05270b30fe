/**
 * Servers a fault test owns: it kills and restarts them, so it never touches the shared ones the
 * global setup started. The emulator restarts on the same port (clients reconnect to the same
 * address); PostgreSQL is restarted with `pg_ctl restart -m fast|immediate`.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EMULATOR_BIN, freePort } from '../../support/services.js';

function waitForOutput(child: ChildProcess, pattern: RegExp, timeoutMs: number, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`${what} did not start within ${timeoutMs} ms:\n${output}`)), timeoutMs);
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      if (pattern.test(output)) {
        clearTimeout(timer);
        child.off('exit', onExit);
        resolve();
      }
    };
    const onExit = (code: number | null): void => {
      clearTimeout(timer);
      reject(new Error(`${what} exited with code ${code} before it was ready:\n${output}`));
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', onExit);
  });
}

export interface OwnedEmulator {
  /** host:port, the same across restarts. */
  readonly address: string;
  /** SIGKILLs the emulator's whole process group (java included) and waits for it to be gone. */
  kill(): Promise<void>;
  /** Starts it again on the same port (empty: the emulator keeps nothing across restarts). */
  start(): Promise<void>;
  stop(): Promise<void>;
}

export async function startOwnEmulator(): Promise<OwnedEmulator> {
  if (!existsSync(EMULATOR_BIN)) throw new Error(`The Pub/Sub emulator is not installed at ${EMULATOR_BIN}`);
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), 'event-bus-faults-pubsub-'));
  let child: ChildProcess | undefined;
  const start = async (): Promise<void> => {
    child = spawn(EMULATOR_BIN, ['--host=127.0.0.1', `--port=${port}`, `--data-dir=${dataDir}`], {
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    await waitForOutput(child, /Server started, listening on/, 90_000, 'Pub/Sub emulator');
    child.stdout?.resume();
    child.stderr?.resume();
  };
  const kill = async (): Promise<void> => {
    const running = child;
    child = undefined;
    if (!running?.pid || running.exitCode !== null || running.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => running.once('exit', () => resolve()));
    try {
      process.kill(-running.pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
    await exited;
    // The java process is in the same group; wait until the port is free again.
    for (let i = 0; i < 100; i++) {
      const probe = spawnSync('sh', ['-c', `ss -ltn 'sport = :${port}' | grep -q LISTEN`]);
      if (probe.status !== 0) return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };
  await start();
  return {
    address: `127.0.0.1:${port}`,
    kill,
    start,
    async stop() {
      await kill();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

function pgBin(name: string): string {
  const onPath = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).stdout.trim();
  if (onPath) return onPath;
  for (const version of ['17', '16', '15']) {
    const candidate = `/usr/lib/postgresql/${version}/bin/${name}`;
    if (existsSync(candidate)) return candidate;
  }
  throw new Error(`PostgreSQL's ${name} was not found on PATH or under /usr/lib/postgresql`);
}

function asPostgres(command: string, args: string[]): [string, string[]] {
  return process.getuid?.() === 0 ? ['runuser', ['-u', 'postgres', '--', command, ...args]] : [command, args];
}

export interface OwnedPostgres {
  readonly address: string;
  /** `pg_ctl restart -m <mode>`: 'fast' ends sessions with 57P01, 'immediate' kills them (crash recovery on start). */
  restart(mode: 'fast' | 'immediate'): void;
  stop(): Promise<void>;
}

export async function startOwnPostgres(): Promise<OwnedPostgres> {
  const port = await freePort();
  const root = mkdtempSync(join(tmpdir(), 'event-bus-faults-pg-'));
  chmodSync(root, 0o777);
  const dataDir = join(root, 'data');
  const [initCmd, initArgs] = asPostgres(pgBin('initdb'), ['-D', dataDir, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync']);
  const init = spawnSync(initCmd, initArgs, { encoding: 'utf8' });
  if (init.status !== 0) throw new Error(`initdb failed: ${init.stderr || init.stdout}`);
  const options = `-p ${port} -k ${root} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=100`;
  const ctl = (args: string[]): void => {
    const [cmd, cmdArgs] = asPostgres(pgBin('pg_ctl'), ['-D', dataDir, ...args]);
    const result = spawnSync(cmd, cmdArgs, { encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`pg_ctl ${args.join(' ')} failed: ${result.stderr || result.stdout}`);
  };
  ctl(['-o', options, '-l', join(root, 'log'), '-w', 'start']);
  return {
    address: `postgres://postgres@127.0.0.1:${port}/postgres`,
    restart(mode) {
      ctl(['-o', options, '-l', join(root, 'log'), '-m', mode, '-w', 'restart']);
    },
    async stop() {
      try {
        ctl(['-m', 'immediate', 'stop']);
      } catch {
        /* already stopped */
      }
      rmSync(root, { recursive: true, force: true });
    },
  };
}
