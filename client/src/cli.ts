/**
 * `playground`: run a file on the playground and stream what it prints.
 *
 *   playground run main.ts                 # stdout and stderr as they arrive; exit status from the result
 *   playground run - < main.js             # the program from stdin
 *   playground run main.ts --stdin in.txt  # what the program reads as stdin
 *   playground run main.ts --json          # one JSON line per event (NDJSON)
 *   playground share main.ts               # prints a share link
 *
 * Talks to `npm start` (ws://localhost:8080/ws) unless given --url or PLAYGROUND_URL.
 * Exit statuses: see ./exit-codes.ts and the README.
 */
import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { parseArgs } from 'node:util';
import { connect, type Playground } from './playground.ts';
import { RunError } from './execution.ts';
import { EXIT_NO_CONNECTION, EXIT_NOT_RUN, EXIT_USAGE, exitCodeFor } from './exit-codes.ts';
import type { Language, ResultMessage } from './messages.ts';

export const DEFAULT_URL = 'ws://localhost:8080/ws';

const USAGE = `Usage:
  playground run <file | -> [--stdin FILE] [--language javascript|typescript]
                            [--timeout MS] [--memory MB] [--json] [--url WS_URL]
  playground share <file | -> [--language ...] [--stdin FILE] [--url WS_URL] [--web URL]

  --url      the service's socket (default: $PLAYGROUND_URL or ${DEFAULT_URL}, i.e. npm start)
  --web      the web app's address for share links (default: derived from --url)
  --json     print every event as one JSON line instead of the program's output

Exit status of run: 0 succeeded, 1 failed, 124 timed_out, 137 memory_exceeded,
5 output_exceeded, 130 cancelled, 70 crashed; 2 usage, 3 not run (refused or lost),
4 no connection.`;

class UsageError extends Error {}

interface Io {
  stdin: NodeJS.ReadableStream;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  env: Record<string, string | undefined>;
}

export async function main(argv: string[], io: Io = process): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        url: { type: 'string' },
        web: { type: 'string' },
        stdin: { type: 'string' },
        language: { type: 'string' },
        timeout: { type: 'string' },
        memory: { type: 'string' },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (err) {
    io.stderr.write(`playground: ${(err as Error).message}\n\n${USAGE}\n`);
    return EXIT_USAGE;
  }
  const { values, positionals } = parsed;
  const [command, file, ...extra] = positionals;
  if (values.help) {
    io.stdout.write(`${USAGE}\n`);
    return 0;
  }
  try {
    if ((command !== 'run' && command !== 'share') || !file || extra.length > 0) throw new UsageError('expected `run <file>` or `share <file>`');
    const code = file === '-' ? await readAll(io.stdin) : await readFile(file, 'utf8');
    const stdin = values.stdin === undefined ? undefined : await readFile(values.stdin, 'utf8');
    const language = languageOf(values.language, file);
    const url = values.url ?? io.env.PLAYGROUND_URL ?? DEFAULT_URL;
    const timeoutMs = integer('--timeout', values.timeout);
    const memoryMb = integer('--memory', values.memory);
    let pg: Playground;
    try {
      pg = await connect(url, { connectTimeoutMs: 10_000 });
    } catch (err) {
      io.stderr.write(`playground: ${(err as Error).message}${url === DEFAULT_URL ? ' (is `npm start` running?)' : ''}\n`);
      return EXIT_NO_CONNECTION;
    }
    try {
      if (command === 'share') {
        const snippetId = await pg.share({ language, code, ...(stdin === undefined ? {} : { stdin }) });
        io.stdout.write(`${webOrigin(values.web, url)}/s/${encodeURIComponent(snippetId)}\n`);
        return 0;
      }
      return await run(pg, io, { language, code, stdin, timeoutMs, memoryMb }, { json: values.json, file });
    } finally {
      pg.close();
    }
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr.write(`playground: ${err.message}\n\n${USAGE}\n`);
      return EXIT_USAGE;
    }
    if (isFileError(err)) {
      io.stderr.write(`playground: cannot read ${err.path}: ${err.code}\n`);
      return EXIT_USAGE;
    }
    io.stderr.write(`playground: ${(err as Error).message}\n`);
    return EXIT_NOT_RUN;
  }
}

async function run(
  pg: Playground,
  io: Io,
  request: { language: Language; code: string; stdin: string | undefined; timeoutMs: number | undefined; memoryMb: number | undefined },
  options: { json: boolean; file: string },
): Promise<number> {
  const execution = pg.run({
    language: request.language,
    code: request.code,
    ...(request.stdin === undefined ? {} : { stdin: request.stdin }),
    ...(request.timeoutMs === undefined ? {} : { timeoutMs: request.timeoutMs }),
    ...(request.memoryMb === undefined ? {} : { memoryMb: request.memoryMb }),
  });
  // Ctrl-C cancels the run (its result then says so); a second one leaves at once.
  let interrupted = false;
  const onSigint = () => {
    if (interrupted) process.exit(130);
    interrupted = true;
    execution.cancel();
  };
  process.on('SIGINT', onSigint);
  try {
    let result: ResultMessage | undefined;
    for await (const event of execution) {
      if (options.json) io.stdout.write(`${JSON.stringify(event)}\n`);
      else if (event.type === 'output') (event.stream === 'stdout' ? io.stdout : io.stderr).write(event.data);
      if (event.type === 'result') result = event;
    }
    if (!result) throw new Error('the run ended without a result');
    if (!options.json) io.stderr.write(describe(result, options.file));
    // A program that chose its exit code (process.exit(n), process.exitCode) ends with it, as under node.
    return result.exitCode ?? exitCodeFor(result.status);
  } catch (err) {
    if (!(err instanceof RunError)) throw err;
    if (options.json) io.stdout.write(`${JSON.stringify({ type: err.kind, error: { code: err.code, message: err.message } })}\n`);
    io.stderr.write(`playground: ${err.message}\n`);
    return EXIT_NOT_RUN;
  } finally {
    process.off('SIGINT', onSigint);
  }
}

/** What the terminal shows after the program's own output: nothing when it succeeded. */
export function describe(result: ResultMessage, file: string): string {
  const lines: string[] = [];
  const { error } = result;
  // process.exit(n) and process.exitCode are not errors: node prints nothing for them,
  // and the exit status carries the code.
  if (result.exitCode) return `[exited with code ${result.exitCode} after ${Math.round(result.stats.wallMs)} ms]\n`;
  if (error) {
    const where = error.line === undefined ? '' : ` at ${file === '-' ? '<stdin>' : file}:${error.line}${error.column === undefined ? '' : `:${error.column}`}`;
    lines.push(`${error.name}: ${error.message}${where}`);
  }
  if (result.status !== 'succeeded') lines.push(`[${result.status}${result.truncated ? ', output truncated' : ''} after ${Math.round(result.stats.wallMs)} ms]`);
  return lines.map((line) => `${line}\n`).join('');
}

function languageOf(given: string | undefined, file: string): Language {
  if (given === 'javascript' || given === 'typescript') return given;
  if (given !== undefined) throw new UsageError(`--language must be javascript or typescript, got ${given}`);
  return ['.ts', '.mts', '.cts', '.tsx'].includes(extname(file)) ? 'typescript' : 'javascript';
}

function integer(name: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0) throw new UsageError(`${name} must be a positive whole number, got ${raw}`);
  return value;
}

/** Share links point at the web app: by default the socket's own host (as with `npm start`). */
function webOrigin(web: string | undefined, socketUrl: string): string {
  if (web) return web.replace(/\/+$/, '');
  const url = new URL(socketUrl);
  return `${url.protocol === 'wss:' ? 'https:' : 'http:'}//${url.host}`;
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  let text = '';
  stream.setEncoding('utf8');
  for await (const chunk of stream) text += chunk as string;
  return text;
}

function isFileError(err: unknown): err is { code: string; path: string } {
  return typeof err === 'object' && err !== null && 'path' in err && 'code' in err;
}
