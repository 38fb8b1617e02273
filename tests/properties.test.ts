/**
 * Property-based tests through the real stack (fast-check): inputs nobody thought of.
 * Each property runs a bounded number of cases so `npm test` stays short; fast-check
 * prints the seed and path of a failure, and a failing case becomes a regular test below.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { CROWD_FROM_ONE_ADDRESS, startLocalStack, type LocalStack } from '@playground/local';
import { LIMITS, type ExecutionEvent, type ServerMessage } from '@playground/shared';
import { TestClient, stdoutOf } from './client.ts';
import { storeClient } from './fleet.ts';

let stack: LocalStack;
let client: TestClient;

beforeAll(async () => {
  stack = await startLocalStack({
    workers: 2,
    workerConcurrency: 4,
    env: { ...CROWD_FROM_ONE_ADDRESS, LOG_LEVEL: 'warn', RUN_BURST_PER_ADDRESS: '100000', RUNS_PER_SECOND_PER_ADDRESS: '100000', RUN_BURST_PER_SOCKET: '100000', RUNS_PER_SECOND_PER_SOCKET: '100000' },
  });
  client = await TestClient.connect(stack.socketUrl);
});

afterAll(async () => {
  if (client?.open) client.ws.terminate();
  await stack?.close();
});

/** Characters hand-written tests forget: astral, lone surrogates, non-characters, NUL and controls, marks, bidi controls. */
const awkward = fc.constantFrom('\ud800', '\udbff', '\udc00', '\udfff', '\ufffe', '\uffff', '\ufffd', '\u0000', '\u0001', '\u001f', '\u007f', '\u0085',
  '\u2028', '\u2029', '\u200f', '\u202e', '\u0301', '\ufeff', '😀', '𝔘', '中', 'é', '\\', '"', "'", '`', '$', '{', '\n', '\r', '\t', 'a');
const anyText = fc.oneof(fc.string({ unit: 'binary', maxLength: 40 }), fc.string({ unit: awkward, maxLength: 40 }));

/**
 * Cases per property are budgeted for `npm test`; the soak runs them again with
 * PROPERTY_SCALE=5 (tests/soak/properties.soak.ts). Many cases through real processes
 * take a while on a busy machine.
 */
const SCALE = Number(process.env.PROPERTY_SCALE ?? 1);
const runs = (n: number) => Math.max(1, Math.round(n * SCALE));
const PROPERTY_TIMEOUT_MS = 180_000 * SCALE;

/** What Node writes for a string: UTF-8, a lone surrogate as U+FFFD. */
const asNodePrints = (s: string) => s.toWellFormed();

describe('any string', () => {
  it('as a code literal, a program prints it exactly as Node would', async () => {
    await fc.assert(fc.asyncProperty(anyText, async (text) => {
      // JSON.stringify escapes lone surrogates and controls; everything else stays raw in the code.
      const run = await client.run(`console.log(${JSON.stringify(text)})`);
      const result = await run.result();
      expect(result.status).toBe('succeeded');
      expect(stdoutOf(run.events())).toBe(`${asNodePrints(text)}\n`);
    }), { numRuns: runs(40) });
  }, PROPERTY_TIMEOUT_MS);

  it('as stdin, reaches the program unchanged and prints as Node would print it', async () => {
    await fc.assert(fc.asyncProperty(anyText, async (text) => {
      const run = await client.run('console.log(JSON.stringify(stdin)); console.log(stdin)', { stdin: text });
      const result = await run.result();
      expect(result.status).toBe('succeeded');
      // The first line proves the program saw the very string sent (lone surrogates included).
      expect(stdoutOf(run.events())).toBe(`${JSON.stringify(text)}\n${asNodePrints(text)}\n`);
    }), { numRuns: runs(40) });
  }, PROPERTY_TIMEOUT_MS);
});

describe('cases properties found, kept as tests', () => {
  it('a lone surrogate printed arrives as U+FFFD, as Node writes it (seed -558660750)', async () => {
    const run = await client.run('console.log("\\ud800 and \\udfff")');
    await run.result();
    expect(stdoutOf(run.events())).toBe('\ufffd and \ufffd\n');
  });
});

describe('sizes in UTF-8 bytes', () => {
  const units = ['a', 'é', '中', '😀'];
  it('code and stdin at the 64 KiB limit are accepted, one character over is too_large naming the field', async () => {
    await fc.assert(fc.asyncProperty(fc.constantFrom(...units), fc.constantFrom(...units), fc.constantFrom('code', 'stdin'), async (fill, last, field) => {
      const max = field === 'code' ? LIMITS.maxCodeBytes : LIMITS.maxStdinBytes;
      // A comment filled up to the limit exactly (code), or plain text (stdin).
      const prefix = field === 'code' ? '//' : '';
      const room = max - Buffer.byteLength(prefix) - Buffer.byteLength(last);
      const body = fill.repeat(Math.floor(room / Buffer.byteLength(fill)));
      const pad = 'a'.repeat(room - Buffer.byteLength(body));
      const atLimit = prefix + body + pad + last;
      expect(Buffer.byteLength(atLimit)).toBe(max);
      const over = atLimit + last;
      const send = (text: string) => client.request(field === 'code'
        ? { action: 'run', language: 'javascript', code: text }
        : { action: 'run', language: 'javascript', code: 'stdin.length', stdin: text });
      const ok = await send(atLimit);
      expect(ok.type).toBe('accepted');
      const refused = await send(over);
      expect(refused).toMatchObject({ type: 'rejected', error: { code: 'too_large' } });
      expect((refused as { error: { message: string } }).error.message).toContain(`"${field}"`);
      if (ok.type === 'accepted') await client.waitFor((m) => m.type === 'result' && m.executionId === ok.executionId);
    }), { numRuns: runs(12) });
  }, PROPERTY_TIMEOUT_MS);

  it('a frame of exactly 128 KiB is answered, one byte more closes the socket with 1009, whatever the character widths', async () => {
    await fc.assert(fc.asyncProperty(fc.constantFrom(...units), async (fill) => {
      const frameOf = (extra: number) => {
        const shell = (code: string) => JSON.stringify({ action: 'run', requestId: 'big', language: 'javascript', code });
        const room = LIMITS.maxFrameBytes - Buffer.byteLength(shell('')) + extra;
        const body = fill.repeat(Math.floor(room / Buffer.byteLength(fill)));
        return shell(body + 'a'.repeat(room - Buffer.byteLength(body)));
      };
      const at = frameOf(0);
      expect(Buffer.byteLength(at)).toBe(LIMITS.maxFrameBytes);
      const answer = await client.request(JSON.parse(at) as Record<string, unknown>);
      expect(answer).toMatchObject({ type: 'rejected', error: { code: 'too_large' } });
      const other = await TestClient.connect(stack.socketUrl);
      other.send(frameOf(1));
      expect((await other.closed).code).toBe(1009);
    }), { numRuns: runs(4) });
  }, PROPERTY_TIMEOUT_MS);

  it('output split for frames never splits a character: 1 MiB of mixed widths arrives whole', async () => {
    await fc.assert(fc.asyncProperty(fc.array(fc.constantFrom(...units), { minLength: 1, maxLength: 4 }), async (mix) => {
      const unit = mix.join('');
      const times = Math.floor((LIMITS.maxOutputBytes - 64) / Buffer.byteLength(unit));
      const run = await client.run(`console.log(${JSON.stringify(unit)}.repeat(${times}))`);
      const result = await run.result();
      expect(result.status).toBe('succeeded');
      const outputs = run.events().filter((e) => e.type === 'output') as Array<{ data: string }>;
      for (const o of outputs) expect(o.data.isWellFormed()).toBe(true);
      expect(stdoutOf(run.events())).toBe(`${unit.repeat(times)}\n`);
    }), { numRuns: runs(6) });
  }, PROPERTY_TIMEOUT_MS);
});

describe('any frame', () => {
  const answerKinds = new Set(['accepted', 'rejected', 'error', 'pong', 'ack', 'shared', 'snippet']);
  /**
   * Sends a frame and waits for its first answer (frames are answered concurrently, so
   * an answer may overtake another's), then a ping; returns every answer before the pong.
   */
  async function answersTo(frame: string): Promise<ServerMessage[]> {
    const from = client.messages.length;
    client.send(frame);
    await client.waitFor((m) => answerKinds.has(m.type), 10_000, from);
    const marker = `mark-${Math.random().toString(36).slice(2)}`;
    client.send({ action: 'ping', requestId: marker });
    await client.waitFor((m) => m.type === 'pong' && m.requestId === marker, 10_000, from);
    const end = client.messages.findIndex((m, i) => i >= from && m.type === 'pong' && m.requestId === marker);
    return client.messages.slice(from, end).filter((m) => answerKinds.has(m.type));
  }

  const value = fc.jsonValue({ maxDepth: 4 });
  const shaped = fc.record({
    action: fc.oneof(fc.constantFrom('run', 'cancel', 'resume', 'ping', 'share', 'load', 'RUN', ''), value),
    requestId: fc.oneof(fc.string({ maxLength: 70 }), value),
    executionId: fc.oneof(fc.string({ maxLength: 70 }), value),
    language: fc.oneof(fc.constantFrom('javascript', 'typescript', 'python'), value),
    code: fc.oneof(fc.string({ maxLength: 20 }), value),
    stdin: value,
    timeoutMs: fc.oneof(fc.integer(), fc.double(), fc.constant(1e308), value),
    memoryMb: fc.oneof(fc.integer(), value),
    token: fc.oneof(fc.string(), value),
    afterSeq: fc.oneof(fc.integer(), fc.double(), value),
    snippetId: fc.oneof(fc.string(), value),
  }, { requiredKeys: [] });
  const deep = fc.integer({ min: 1, max: 5000 }).map((n) => `${'['.repeat(n)}${']'.repeat(n)}`);
  const frames = fc.oneof(value.map((v) => JSON.stringify(v)), shaped.map((v) => JSON.stringify(v)), fc.string({ maxLength: 60 }), deep);

  it('gets exactly one answer of a documented kind, the socket stays usable, and only accepted runs are stored', async () => {
    const db = storeClient(stack);
    const rows = async () => (await db.send(new ScanCommand({ TableName: stack.store.executionsTable, Select: 'COUNT' }))).Count ?? 0;
    const before = await rows();
    let accepted = 0;
    try {
      await fc.assert(fc.asyncProperty(frames, async (frame) => {
        const answers = await answersTo(frame);
        expect(answers).toHaveLength(1);
        // Let a run the frame started finish, so runs do not pile up behind the socket's cap.
        const answer = answers[0]!;
        if (answer.type === 'accepted') {
          accepted += 1;
          await client.waitFor((m) => m.type === 'result' && m.executionId === answer.executionId);
        }
      }), { numRuns: runs(150) });
      expect(client.open).toBe(true);
      expect(await rows()).toBe(before + accepted);
    } finally {
      db.destroy();
    }
  }, PROPERTY_TIMEOUT_MS);
});

describe('any sequence of runs, cancels, resumes and reconnects', () => {
  const programs = [
    "console.log('quick')",
    "for (let i = 0; i < 5; i++) { console.log('tick ' + i); await new Promise((r) => setTimeout(r, 30)); }",
    "console.log('before'); throw new Error('boom')",
    "let i = 0; setInterval(() => console.log('forever ' + i++), 20)",
    "console.error('to stderr'); console.log('x'.repeat(40000))",
  ];
  type Op =
    | { kind: 'run'; program: number }
    | { kind: 'cancel'; of: number }
    | { kind: 'resume'; of: number; afterSeq: number; rightToken: boolean }
    | { kind: 'reconnect' };
  const op: fc.Arbitrary<Op> = fc.oneof(
    fc.record({ kind: fc.constant('run' as const), program: fc.nat(programs.length - 1) }),
    fc.record({ kind: fc.constant('cancel' as const), of: fc.nat(5) }),
    fc.record({ kind: fc.constant('resume' as const), of: fc.nat(5), afterSeq: fc.nat(8), rightToken: fc.boolean() }),
    fc.constant({ kind: 'reconnect' as const }),
  );

  it('each accepted run ends with exactly one result, its seqs have no gap or repeat, and a resume replays exactly what was stored', async () => {
    await fc.assert(fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 7 }), async (ops) => {
      const sockets: TestClient[] = [await TestClient.connect(stack.socketUrl)];
      const current = () => sockets[sockets.length - 1]!;
      const runs: Array<{ executionId: string; token: string }> = [];
      const seen = (executionId: string): ExecutionEvent[] => {
        const bySeq = new Map<number, ExecutionEvent>();
        for (const c of sockets) for (const e of c.eventsOf(executionId)) if (!bySeq.has(e.seq)) bySeq.set(e.seq, e);
        return [...bySeq.values()].sort((a, b) => a.seq - b.seq);
      };
      try {
        for (const o of ops) {
          if (o.kind === 'run') {
            // A short timeout, so the endless program ends by itself too.
            runs.push(await current().run(programs[o.program]!, { timeoutMs: 1500 }));
          } else if (o.kind === 'cancel' && runs.length) {
            const answer = await current().request({ action: 'cancel', executionId: runs[o.of % runs.length]!.executionId });
            expect(['ack', 'error']).toContain(answer.type);
          } else if (o.kind === 'resume' && runs.length) {
            const r = runs[o.of % runs.length]!;
            const answer = await current().request({ action: 'resume', executionId: r.executionId, token: o.rightToken ? r.token : `${r.token}x`, afterSeq: o.afterSeq });
            expect(answer).toMatchObject(o.rightToken ? { type: 'ack' } : { type: 'error', error: { code: 'not_found' } });
          } else if (o.kind === 'reconnect') {
            current().ws.terminate();
            const next = await TestClient.connect(stack.socketUrl);
            sockets.push(next);
            // As a client does: resume what is unfinished from the last seq it saw.
            for (const r of runs) {
              const events = seen(r.executionId);
              if (events.some((e) => e.type === 'result')) continue;
              await next.request({ action: 'resume', executionId: r.executionId, token: r.token, afterSeq: events.at(-1)?.seq ?? 0 });
            }
          }
        }
        for (const r of runs) await current().waitFor((m) => m.type === 'result' && m.executionId === r.executionId, 20_000)
          .catch(async () => {
            // The result went to an earlier socket; it is in the store either way.
            expect(seen(r.executionId).some((e) => e.type === 'result')).toBe(true);
          });
        const replayer = await TestClient.connect(stack.socketUrl);
        sockets.push(replayer);
        for (const r of runs) {
          const events = seen(r.executionId);
          expect(events.filter((e) => e.type === 'result')).toHaveLength(1);
          expect(events.at(-1)!.type).toBe('result');
          await replayer.request({ action: 'resume', executionId: r.executionId, token: r.token, afterSeq: 0 });
          await replayer.waitFor((m) => m.type === 'result' && m.executionId === r.executionId);
          const replay = replayer.eventsOf(r.executionId).sort((a, b) => a.seq - b.seq);
          expect(replay.map((e) => e.seq)).toEqual(replay.map((_, i) => i + 1));
          // Everything any socket saw is what the store replays, message for message.
          for (const e of events) expect(replay[e.seq - 1]).toEqual(e);
        }
      } finally {
        for (const c of sockets) if (c.open) c.ws.terminate();
      }
    }), { numRuns: runs(6) });
  }, PROPERTY_TIMEOUT_MS);
});
