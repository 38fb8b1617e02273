/**
 * An operator's question before a launch: at N runs per second, how many gateway and
 * worker instances, which AWS quotas come near, which to raise first, and what a day
 * costs. Inputs come from the bench's JSON (requests counted per run, CPU measured per
 * run), never typed by hand:
 *
 *   npm run bench                                   # writes bench/results-latest.json
 *   npm run capacity -- --runs-per-second 500 [--program hello|stream|fails] [--results FILE]
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { PRICES, costPerMillionRuns, requestsByKind, type RunCpu } from './cost.ts';

/** Default quotas of a new account, per region (AWS service quotas pages, read 2026-12-02). */
export const QUOTAS = {
  /** API Gateway: requests per second per account and region, across REST, HTTP, WebSocket and WebSocket callback (PostToConnection) APIs. */
  apiGatewayRequestsPerSecond: 10_000,
  /** API Gateway WebSocket: new connections per second per account and region. */
  apiGatewayNewConnectionsPerSecond: 500,
  /** DynamoDB on-demand: write and read request units per second per table (default table throughput quota). */
  dynamoWriteUnitsPerSecondPerTable: 40_000,
  dynamoReadUnitsPerSecondPerTable: 40_000,
  /** EC2: running On-Demand standard instance vCPUs (new accounts often start lower; check yours). */
  ec2StandardVcpus: 32,
} as const;

export interface CapacityInput {
  runsPerSecond: number;
  /** Requests per run by `Client/Command`, as bench/requests.ts counts them. */
  perRun: Record<string, number>;
  cpu: RunCpu;
  /** Average wall time a run holds a sandbox slot, ms. */
  slotMs: number;
  fleet: { gatewayInstanceType: string; workerInstanceType: string; workerConcurrency: number };
  /** Share of CPU an instance is planned to use (headroom for bursts). */
  targetCpu?: number;
  /** New sockets per second (a socket per person per visit). */
  newConnectionsPerSecond?: number;
}

export interface QuotaUse {
  quota: string;
  use: number;
  limit: number;
  share: number;
}

export interface CapacityPlan {
  gateways: number;
  workers: number;
  slotsBusy: number;
  vcpus: number;
  quotas: QuotaUse[];
  /** The quota nearest its limit first. */
  raiseFirst: string;
  dollarsPerDay: { requests: number; instances: number; total: number };
}

const vcpusOf = (type: string): number => {
  const v = PRICES.vcpus[type];
  if (v === undefined) throw new Error(`No vCPU count for ${type}; add it to PRICES in bench/cost.ts.`);
  return v;
};

export function plan(input: CapacityInput): CapacityPlan {
  const target = input.targetCpu ?? 0.6;
  const { runsPerSecond: rate, fleet } = input;
  const gatewayVcpus = vcpusOf(fleet.gatewayInstanceType);
  const workerVcpus = vcpusOf(fleet.workerInstanceType);
  // CPU: runs/s x CPU-ms per run over what one instance gives at the target use.
  const gateways = Math.max(2, Math.ceil((rate * input.cpu.gatewayMs) / (gatewayVcpus * 1000 * target)));
  // Slots: Little's law (runs in flight = rate x time a run holds a slot), and CPU.
  const slotsBusy = (rate * input.slotMs) / 1000;
  const bySlots = Math.ceil(slotsBusy / (fleet.workerConcurrency * target));
  const byCpu = Math.ceil((rate * input.cpu.workerMs) / (workerVcpus * 1000 * target));
  const workers = Math.max(1, bySlots, byCpu);
  const k = requestsByKind(input.perRun);
  // Every run is a client frame (a request) and its posts (callback requests).
  const apiRequests = rate * (1 + k.posts);
  const writeUnitsPerTable = rate * k.dynamoWriteUnits;
  const readUnitsPerTable = rate * k.dynamoReadUnits;
  const vcpus = gateways * gatewayVcpus + workers * workerVcpus;
  const quotas: QuotaUse[] = [
    { quota: 'API Gateway requests/s (account, region)', use: apiRequests, limit: QUOTAS.apiGatewayRequestsPerSecond, share: 0 },
    { quota: 'API Gateway new WebSocket connections/s', use: input.newConnectionsPerSecond ?? rate / 10, limit: QUOTAS.apiGatewayNewConnectionsPerSecond, share: 0 },
    // All of a run's writes counted against one table: an upper bound for each.
    { quota: 'DynamoDB write units/s (per table, upper bound)', use: writeUnitsPerTable, limit: QUOTAS.dynamoWriteUnitsPerSecondPerTable, share: 0 },
    { quota: 'DynamoDB read units/s (per table, upper bound)', use: readUnitsPerTable, limit: QUOTAS.dynamoReadUnitsPerSecondPerTable, share: 0 },
    { quota: 'EC2 On-Demand standard vCPUs', use: vcpus, limit: QUOTAS.ec2StandardVcpus, share: 0 },
  ].map((q) => ({ ...q, use: Math.round(q.use * 10) / 10, share: Math.round((q.use / q.limit) * 1000) / 1000 }));
  const raiseFirst = [...quotas].sort((a, b) => b.share - a.share)[0]!.quota;
  const perMillion = costPerMillionRuns(k, { gatewayMs: 0, workerMs: 0 }, fleet);
  const requests = (perMillion.total * rate * 86_400) / 1e6;
  const instances = 24 * (gateways * PRICES.ec2PerHour[fleet.gatewayInstanceType]! + workers * PRICES.ec2PerHour[fleet.workerInstanceType]!);
  const round = (x: number) => Math.round(x * 100) / 100;
  return { gateways, workers, slotsBusy: round(slotsBusy), vcpus, quotas, raiseFirst, dollarsPerDay: { requests: round(requests), instances: round(instances), total: round(requests + instances) } };
}

/** Reads what a plan needs from the bench's JSON for one counted program. */
export function inputFromResults(results: Record<string, any>, program: string, runsPerSecond: number, workerConcurrency = 4): CapacityInput {
  // Under load when counted so (receives and deletes shared), else one at a time.
  const all = (results.requests as Array<{ program: string; load?: number; perRun: Record<string, number> }> | undefined) ?? [];
  const counted = all.find((c) => c.program === program && c.load) ?? all.find((c) => c.program === program);
  if (!counted) throw new Error(`The bench results have no request counts for "${program}"; run npm run bench first (it writes bench/results-latest.json).`);
  const load = results.throughput?.[0]?.cpuMsPerRun;
  if (!load) throw new Error('The bench results have no CPU per run under load; run the full npm run bench.');
  const slotMs = program === 'stream' ? 2_000 : results.helloWorld?.breakdownP50?.sandboxWall ?? 5;
  return {
    runsPerSecond,
    perRun: counted.perRun,
    cpu: { gatewayMs: load.gateway, workerMs: load.workers + load.sandboxes },
    slotMs,
    fleet: { gatewayInstanceType: 't3.small', workerInstanceType: 't3.medium', workerConcurrency },
  };
}

if (import.meta.main) {
  const { values } = parseArgs({
    options: {
      'runs-per-second': { type: 'string' },
      program: { type: 'string', default: 'hello' },
      results: { type: 'string', default: new URL('./results-latest.json', import.meta.url).pathname },
    },
  });
  const rate = Number(values['runs-per-second']);
  if (!(rate > 0)) {
    console.error('usage: npm run capacity -- --runs-per-second N [--program hello|stream|fails] [--results FILE]');
    process.exit(2);
  }
  const results = JSON.parse(readFileSync(values.results!, 'utf8')) as Record<string, any>;
  const p = plan(inputFromResults(results, values.program!, rate));
  console.log(`At ${rate} runs/s of "${values.program}" (from ${values.results}):`);
  console.log(`  gateways ${p.gateways} x t3.small, workers ${p.workers} x t3.medium (${p.slotsBusy} sandbox slots busy on average), ${p.vcpus} vCPUs`);
  console.log('  quotas (default limits of a new account):');
  for (const q of p.quotas) console.log(`    ${q.quota}: ${q.use} of ${q.limit} (${(q.share * 100).toFixed(1)}%)`);
  console.log(`  raise first: ${p.raiseFirst}`);
  console.log(`  cost per day: $${p.dollarsPerDay.total} (requests $${p.dollarsPerDay.requests}, instances $${p.dollarsPerDay.instances}; ${PRICES.region} on-demand prices of ${PRICES.date})`);
}
