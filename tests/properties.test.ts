/**
 * Property-based tests through the real stack (fast-check): inputs nobody thought of.
 * Each property runs a bounded number of cases so `npm test` stays short; fast-check
 * prints the seed and path of a failure, and a failing case becomes a regular test below.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { startLocalStack, type LocalStack } from '@playground/local';
import { LIMITS, type ServerMessage } from '@playground/shared';
import { TestClient, stdoutOf } from './client.ts';

let stack: LocalStack;
let client: TestClient;

beforeAll(async () => {
  stack = await startLocalStack({
    workers: 2,
    workerConcurrency: 4,
    env: { LOG_LEVEL: 'warn', RUN_BURST_PER_ADDRESS: '100000', RUNS_PER_SECOND_PER_ADDRESS: '100000', RUN_BURST_PER_SOCKET: '100000', RUNS_PER_SECOND_PER_SOCKET: '100000' },
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
    }), { numRuns: 40 });
  });

  it('as stdin, reaches the program unchanged and prints as Node would print it', async () => {
    await fc.assert(fc.asyncProperty(anyText, async (text) => {
      const run = await client.run('console.log(JSON.stringify(stdin)); console.log(stdin)', { stdin: text });
      const result = await run.result();
      expect(result.status).toBe('succeeded');
      // The first line proves the program saw the very string sent (lone surrogates included).
      expect(stdoutOf(run.events())).toBe(`${JSON.stringify(text)}\n${asNodePrints(text)}\n`);
    }), { numRuns: 40 });
  });
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
    }), { numRuns: 12 });
  });

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
    }), { numRuns: 4 });
  });

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
    }), { numRuns: 6 });
  });
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
    const db = new DynamoDBClient({ region: stack.store.region, endpoint: stack.emulators.dynamodbEndpoint, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
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
      }), { numRuns: 150 });
      expect(client.open).toBe(true);
      expect(await rows()).toBe(before + accepted);
    } finally {
      db.destroy();
    }
  });
});
