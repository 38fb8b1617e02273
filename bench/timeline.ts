/**
 * Where one hello world's time goes, call by call: the gateway and workers reach the
 * emulators through a recording proxy, so every DynamoDB and SQS call of a run is
 * timed against the client's `run` frame. Run: node bench/timeline.ts [runs]
 * (Diagnosis, not a benchmark: the proxy adds a hop to every call.)
 */
import { createServer, request, Agent } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CROWD_FROM_ONE_ADDRESS, startLocalStack } from '@playground/local';
import { BenchSocket, summarize } from './lib.ts';

const runs = Number(process.argv[2] ?? 200);
type Call = { service: string; op: string; start: number; end: number };
const calls: Call[] = [];
const targets: Record<string, string | undefined> = {};
const agent = new Agent({ keepAlive: true });

function proxy(service: string) {
  const server = createServer((req, res) => {
    const start = performance.now();
    const chunks: Buffer[] = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const target = targets[service];
      if (!target) { res.writeHead(503).end(); return; }
      const amzTarget = String(req.headers['x-amz-target'] ?? '');
      const op = amzTarget.split('.').pop() || /Action=([A-Za-z]+)/.exec(body.toString())?.[1] || '?';
      const out = request(target + req.url, { method: req.method, headers: req.headers, agent }, (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
        up.on('end', () => calls.push({ service, op, start, end: performance.now() }));
      });
      out.on('error', () => res.writeHead(502).end());
      out.end(body);
    });
  });
  return new Promise<string>((r) => server.listen(0, '127.0.0.1', () => r(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)));
}

const [dbProxy, sqsProxy] = await Promise.all([proxy('dynamodb'), proxy('sqs')]);
const stack = await startLocalStack({
  workers: 1, workerConcurrency: 4,
  env: {
    LOG_LEVEL: 'warn', AWS_ENDPOINT_URL_DYNAMODB: dbProxy, AWS_ENDPOINT_URL_SQS: sqsProxy,
    RUNS_PER_SECOND_PER_ADDRESS: '100000', RUN_BURST_PER_ADDRESS: '100000',
    RUNS_PER_SECOND_PER_SOCKET: '100000', RUN_BURST_PER_SOCKET: '100000',
    ...CROWD_FROM_ONE_ADDRESS,
  },
});
targets.dynamodb = stack.emulators.dynamodbEndpoint;
targets.sqs = stack.emulators.sqsEndpoint;
await new Promise((r) => setTimeout(r, 1500));

const socket = await BenchSocket.connect(stack.socketUrl);
for (let i = 0; i < 20; i++) await socket.run("console.log('Hello, world!')");
const rows = new Map<string, { start: number[]; end: number[] }>();
const totals: number[] = [];
const marks = { accepted: [] as number[], started: [] as number[] };
for (let i = 0; i < runs; i++) {
  calls.length = 0;
  const t0 = performance.now();
  const o = await socket.run("console.log('Hello, world!')");
  totals.push(o.latencyMs);
  marks.accepted.push(o.acceptMs);
  marks.started.push(o.startedMs);
  const seen = new Map<string, number>();
  for (const c of calls.filter((c) => c.start >= t0 && c.op !== 'ReceiveMessage' || (c.op === 'ReceiveMessage' && c.end >= t0 && c.end - t0 < o.latencyMs))) {
    const n = (seen.get(c.op) ?? 0) + 1;
    seen.set(c.op, n);
    const key = `${c.service} ${c.op} #${n}`;
    const row = rows.get(key) ?? { start: [], end: [] };
    row.start.push(c.op === 'ReceiveMessage' ? NaN : c.start - t0);
    row.end.push(c.end - t0);
    rows.set(key, row);
  }
}
socket.close();
await stack.close();
console.log(`hello world, ${runs} runs, ms after the run frame (p50); through a recording proxy`);
console.log(`result p50 ${summarize(totals).p50}, accepted ${summarize(marks.accepted).p50}, started ${summarize(marks.started).p50}`);
const list = [...rows].filter(([, r]) => r.end.length >= runs / 2).map(([k, r]) => ({ k, n: r.end.length, s: summarize(r.start.filter((x) => !Number.isNaN(x))).p50, e: summarize(r.end).p50 }));
for (const x of list.sort((a, b) => a.e - b.e)) console.log(`${x.k.padEnd(36)} ${String(x.n).padStart(4)}x  start ${String(x.s).padStart(6)}  end ${String(x.e).padStart(6)}  (${(x.e - (Number.isNaN(x.s) ? x.e : x.s)).toFixed(2)} ms)`);
process.exit(0);
