/**
 * How much of a store or queue call is the SDK itself: the same DynamoDB PutItem through
 * the SDK and as a hand-made HTTP request, against a stub server that answers at once,
 * so neither dynalite nor the network is in the figure. Run: node bench/sdk-overhead.ts [n]
 */
import { createServer, request, Agent } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { summarize } from './lib.ts';

const n = Number(process.argv[2] ?? 2000);
const server = createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    res.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' });
    res.end('{}');
  });
});
await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
const db = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1', endpoint, credentials: { accessKeyId: 'a', secretAccessKey: 'b' } }));
const agent = new Agent({ keepAlive: true });
const item = { id: 'e1', status: 'queued', attempt: 0, code: "console.log('Hello, world!')", createdAt: Date.now() };

const sdk = () => db.send(new PutCommand({ TableName: 'bench', Item: item }));
const raw = () => new Promise<void>((resolve, reject) => {
  const body = JSON.stringify({ TableName: 'bench', Item: { id: { S: 'e1' }, status: { S: 'queued' } } });
  const req = request(`${endpoint}/`, { method: 'POST', agent, headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'DynamoDB_20120810.PutItem' } }, (res) => {
    res.resume();
    res.on('end', () => resolve());
  });
  req.on('error', reject);
  req.end(body);
});

async function measure(label: string, call: () => Promise<unknown>) {
  for (let i = 0; i < 200; i++) await call();
  const samples: number[] = [];
  const cpu0 = process.cpuUsage();
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await call();
    samples.push(performance.now() - t);
  }
  const cpu = process.cpuUsage(cpu0);
  const s = summarize(samples);
  console.log(`${label.padEnd(28)} p50 ${s.p50.toFixed(3)} ms  p99 ${s.p99.toFixed(3)} ms  CPU ${((cpu.user + cpu.system) / 1000 / n).toFixed(3)} ms/call (client + stub)`);
}
await measure('SDK PutCommand (lib-dynamodb)', sdk);
await measure('plain http.request', raw);
db.destroy();
agent.destroy();
server.close();
