/**
 * Starts the real services integration tests run against: Google's Pub/Sub emulator and a
 * throwaway PostgreSQL server, each on a free loopback port. Used by the vitest global setup,
 * the demo and the benchmarks. Nothing here is a mock.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, chmodSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const EMULATOR_BIN = '/usr/lib/google-cloud-sdk/platform/pubsub-emulator/bin/cloud-pubsub-emulator';

export interface RunningService {
  /** Connection string: `host:port` for the emulator, a postgres:// URL for PostgreSQL. */
  readonly address: string;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function waitForLine(child: ChildProcess, pattern: RegExp, timeoutMs: number, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`${what} did not start within ${timeoutMs} ms:\n${output}`)), timeoutMs);
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      if (pattern.test(output)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${what} exited with code ${code} before it was ready:\n${output}`));
    });
  });
}

function stopChild(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

export async function startPubSubEmulator(): Promise<RunningService> {
  if (!existsSync(EMULATOR_BIN)) {
    throw new Error(`The Pub/Sub emulator is not installed at ${EMULATOR_BIN} (see docs/emulator-facts.md; .ci/run checks for it)`);
  }
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), 'event-bus-pubsub-'));
  // detached: the emulator is a shell script that starts java; kill the whole group on stop.
  const child = spawn(EMULATOR_BIN, [`--host=127.0.0.1`, `--port=${port}`, `--data-dir=${dataDir}`], {
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  await waitForLine(child, /Server started, listening on/, 60_000, 'Pub/Sub emulator');
  // Keep draining output so the emulator never blocks on a full pipe.
  child.stdout?.resume();
  child.stderr?.resume();
  return {
    address: `127.0.0.1:${port}`,
    async stop() {
      if (child.pid) {
        try {
          process.kill(-child.pid, 'SIGTERM');
        } catch {
          /* already gone */
        }
      }
      await stopChild(child);
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
  throw new Error(`PostgreSQL's ${name} was not found on PATH or under /usr/lib/postgresql (see docs/emulator-facts.md)`);
}

/** initdb and pg_ctl refuse to run as root: run them as the postgres user when we are root. */
function asPostgres(command: string, args: string[]): [string, string[]] {
  return process.getuid?.() === 0 ? ['runuser', ['-u', 'postgres', '--', command, ...args]] : [command, args];
}

export async function startPostgres(): Promise<RunningService> {
  const port = await freePort();
  const root = mkdtempSync(join(tmpdir(), 'event-bus-pg-'));
  chmodSync(root, 0o777);
  const dataDir = join(root, 'data');
  const [initCmd, initArgs] = asPostgres(pgBin('initdb'), ['-D', dataDir, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync']);
  const init = spawnSync(initCmd, initArgs, { encoding: 'utf8' });
  if (init.status !== 0) throw new Error(`initdb failed: ${init.stderr || init.stdout}`);
  const options = `-p ${port} -k ${root} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200`;
  const [ctlCmd, ctlArgs] = asPostgres(pgBin('pg_ctl'), ['-D', dataDir, '-o', options, '-l', join(root, 'log'), '-w', 'start']);
  const started = spawnSync(ctlCmd, ctlArgs, { encoding: 'utf8' });
  if (started.status !== 0) throw new Error(`pg_ctl start failed: ${started.stderr || started.stdout}`);
  return {
    address: `postgres://postgres@127.0.0.1:${port}/postgres`,
    async stop() {
      const [stopCmd, stopArgs] = asPostgres(pgBin('pg_ctl'), ['-D', dataDir, '-m', 'immediate', 'stop']);
      spawnSync(stopCmd, stopArgs, { encoding: 'utf8' });
      rmSync(root, { recursive: true, force: true });
    },
  };
}
