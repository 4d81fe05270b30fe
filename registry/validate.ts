/**
 * Validation of the AsyncAPI document with @asyncapi/parser 3 (loaded on first use: Spectral's
 * start-up costs about a second, and the runtime entry must not pull it in). Files are read
 * through the registry's source; remote (`http(s)`) references are never fetched.
 *
 * For a registry on disk the parser runs in a worker thread (decision 0165), so that the reader's
 * ajv work and the generator's rendering use the other core meanwhile: same parser, same options,
 * same files read the same way, same findings. Any other source (memory, a git ref) is read in
 * this thread, through the source. Should the worker fail (it cannot start, it dies, a message
 * cannot be cloned), the document is parsed here as before.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { displayPath, type RegistryDiagnostic } from './diagnostics.js';
import { toPointer } from './pointer.js';
import { DiskSource, type RegistrySource } from './source.js';

import type { Parser } from '@asyncapi/parser';

let loading: Promise<{ parser: Parser; error: number }> | undefined;

/** What the mapping below reads of a parser diagnostic (the worker sends exactly this). */
interface ParserDiagnostic {
  code: string | number;
  message: string;
  path: Array<string | number>;
  severity: number;
  source?: unknown;
  range: { start: { line: number; character: number } };
}

/** The parser's answer: its diagnostics (with the severity number of an error), or the message of what it threw. */
type ParseOutcome = { error: number; diagnostics: ParserDiagnostic[] } | { error: number; failed: string };

/** Every error and warning @asyncapi/parser reports for the document at `file`. */
export async function validateAsyncApi(file: string, text: string, source: RegistrySource): Promise<RegistryDiagnostic[]> {
  const absolute = path.resolve(file);
  let outcome: ParseOutcome | undefined;
  // Only the disk is read the same way from another thread; a subclass may read otherwise.
  if (source.constructor === DiskSource) outcome = await parseInWorker(text, absolute).catch(() => undefined);
  outcome ??= await parseHere(text, absolute, source);
  if ('failed' in outcome) {
    // The parser itself failed (e.g. on a '__proto__' key): one finding, not a crash.
    return [{ file: displayPath(absolute), pointer: '', code: 'parser-failed', message: `@asyncapi/parser failed: ${outcome.failed}` }];
  }
  const ERROR = outcome.error;
  return outcome.diagnostics
    // Information and hints (e.g. "a newer AsyncAPI version exists") are advice, not findings.
    .filter((diagnostic) => diagnostic.severity <= ERROR + 1)
    // Findings inside a remote document (never fetched: read as '{}'); the reader reports the reference.
    .filter((diagnostic) => !/^https?:/i.test(String(diagnostic.source ?? '')))
    .filter((diagnostic) => !/FetchError|ENOTFOUND|remote/i.test(diagnostic.message) || diagnostic.severity !== ERROR)
    .map((diagnostic) => {
      const where = diagnostic.source ? String(diagnostic.source) : absolute;
      const sourceFile = where.startsWith('file:') ? fileURLToPath(where) : where;
      return {
        file: displayPath(sourceFile),
        pointer: toPointer(diagnostic.path.map(String)),
        line: diagnostic.range.start.line + 1,
        column: diagnostic.range.start.character + 1,
        code: String(diagnostic.code),
        message: diagnostic.message,
        ...(diagnostic.severity !== ERROR && { severity: 'warning' as const }),
      };
    });
}

/** The parser in this thread, files read through `source`. */
async function parseHere(text: string, absolute: string, source: RegistrySource): Promise<ParseOutcome> {
  loading ??= import('@asyncapi/parser').then((parser) => ({ parser: new parser.Parser(), error: parser.DiagnosticSeverity.Error }));
  const { parser: sharedParser, error } = await loading;
  const readFile = (uri: { toString(): string }): string => source.readText(fileURLToPath(uri.toString()));
  // A remote reference reads as an empty document: the registry reader reports it ("remote-ref").
  const offline = (): string => '{}';
  try {
    const { diagnostics } = await sharedParser.parse(text, {
      source: absolute,
      __unstable: {
        resolver: {
          resolvers: [
            { schema: 'file', order: 1, read: readFile },
            { schema: 'http', order: 1, read: offline },
            { schema: 'https', order: 1, read: offline },
          ],
        },
      },
    });
    return { error, diagnostics };
  } catch (thrown) {
    return { error, failed: (thrown as Error).message };
  }
}

/**
 * The worker's program (CommonJS, evaluated: no file of its own, so it runs the same from the
 * sources under tsx or vitest, from tsc's output and from the bundle). It is `parseHere` with the
 * disk as the source: `readFileSync(path, 'utf8')` is what `DiskSource.readText` does.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { readFileSync } = require('node:fs');
const { fileURLToPath } = require('node:url');
const api = require(workerData.parserPath);
const parser = new api.Parser();
const error = api.DiagnosticSeverity.Error;
const readFile = (uri) => readFileSync(fileURLToPath(uri.toString()), 'utf8');
const offline = () => '{}';
const plain = (d) => ({
  code: d.code,
  message: d.message,
  path: d.path.map(String),
  severity: d.severity,
  source: d.source === undefined || d.source === null ? d.source : String(d.source),
  range: { start: { line: d.range.start.line, character: d.range.start.character } },
});
parentPort.on('message', async ({ id, text, source }) => {
  let reply;
  try {
    const { diagnostics } = await parser.parse(text, {
      source,
      __unstable: { resolver: { resolvers: [
        { schema: 'file', order: 1, read: readFile },
        { schema: 'http', order: 1, read: offline },
        { schema: 'https', order: 1, read: offline },
      ] } },
    });
    reply = { id, outcome: { error, diagnostics: diagnostics.map(plain) } };
  } catch (thrown) {
    reply = { id, outcome: { error, failed: thrown && thrown.message } };
  }
  parentPort.postMessage(reply);
});
`;

interface ParserThread {
  worker: Worker;
  pending: Map<number, { resolve: (outcome: ParseOutcome) => void; reject: (error: Error) => void }>;
}

let thread: ParserThread | undefined;
let nextRequest = 0;

/**
 * One worker per process, started at the first parse and kept for the next ones (Spectral's
 * start-up is paid once). It holds the process open only while a parse is pending; when it
 * fails, every pending parse is rejected (and redone in this thread) and the next starts a new one.
 */
function parserThread(): ParserThread {
  if (thread) return thread;
  const parserPath = createRequire(import.meta.url).resolve('@asyncapi/parser');
  const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { parserPath }, stdout: false, stderr: false });
  const current: ParserThread = { worker, pending: new Map() };
  const fail = (error: Error): void => {
    if (thread === current) thread = undefined;
    for (const { reject } of current.pending.values()) reject(error);
    current.pending.clear();
    void worker.terminate().catch(() => undefined);
  };
  worker.on('message', (message: { id: number; outcome: ParseOutcome }) => {
    const request = current.pending.get(message.id);
    if (!request) return;
    current.pending.delete(message.id);
    if (current.pending.size === 0) worker.unref();
    request.resolve(message.outcome);
  });
  worker.on('error', fail);
  worker.on('messageerror', fail);
  worker.on('exit', (code) => fail(new Error(`the parser's worker thread exited with code ${code}`)));
  worker.unref();
  thread = current;
  return current;
}

function parseInWorker(text: string, absolute: string): Promise<ParseOutcome> {
  return new Promise((resolve, reject) => {
    const current = parserThread();
    const id = (nextRequest += 1);
    current.pending.set(id, { resolve, reject });
    current.worker.ref();
    current.worker.postMessage({ id, text, source: absolute });
  });
}

/** Ends the parser's worker thread, if one runs (for the tests: a pending parse is then redone here); whether one ran. */
export async function stopParserThread(): Promise<boolean> {
  const current = thread;
  if (current) await current.worker.terminate();
  return current !== undefined;
}
