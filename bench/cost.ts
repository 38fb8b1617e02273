/**
 * Dollars per million runs, from requests counted per run (bench/run.ts, "requests per
 * run") and CPU measured per run, at AWS's published on-demand prices. The prices are
 * inputs with their source and date: check them before quoting the result.
 */

/** On-demand prices, us-east-1, as published by AWS's pricing pages (read 2026-12-02). */
export const PRICES = {
  region: 'us-east-1',
  date: '2026-12-02',
  /** API Gateway WebSocket: per million messages (each 32 KB counts as one), first billion a month. */
  apiGatewayMessagePerMillion: 1.0,
  /** API Gateway WebSocket: per million connection minutes. */
  apiGatewayConnectionMinutePerMillion: 0.25,
  /** SQS standard queue: per million requests (each 64 KB of a request counts as one), past the free tier. */
  sqsRequestPerMillion: 0.4,
  /** DynamoDB on-demand: per million write request units (1 KB of item each). */
  dynamoWriteUnitPerMillion: 0.625,
  /** DynamoDB on-demand: per million read request units (4 KB strongly consistent each). */
  dynamoReadUnitPerMillion: 0.125,
  /** EC2 Linux on-demand, per instance hour. */
  ec2PerHour: { 't3.small': 0.0208, 't3.medium': 0.0416 } as Record<string, number>,
  /** vCPUs per instance type. */
  vcpus: { 't3.small': 2, 't3.medium': 2 } as Record<string, number>,
} as const;

/** What one run costs in requests, by kind. Item sizes round up to the unit. */
export interface RunRequests {
  /** PostToConnection calls (one frame each, under 32 KB). */
  posts: number;
  /** SQS requests (send, receive, delete, change visibility), each under 64 KB. */
  sqs: number;
  /** DynamoDB writes with the 1 KB units each one costs. */
  dynamoWriteUnits: number;
  /** DynamoDB reads with the 4 KB units each one costs. */
  dynamoReadUnits: number;
}

export interface RunCpu {
  /** CPU ms per run in the gateway and in a worker (with its sandboxes). */
  gatewayMs: number;
  workerMs: number;
}

export interface Fleet {
  gatewayInstanceType: string;
  workerInstanceType: string;
}

export interface CostPerMillion {
  apiGateway: number;
  sqs: number;
  dynamodb: number;
  ec2: number;
  total: number;
}

/** An instance's price per CPU-millisecond, if its vCPUs were busy all the time. */
export function pricePerCpuMs(instanceType: string): number {
  const hourly = PRICES.ec2PerHour[instanceType];
  const vcpus = PRICES.vcpus[instanceType];
  if (hourly === undefined || vcpus === undefined) throw new Error(`No price for instance type ${instanceType}; add it to PRICES in bench/cost.ts.`);
  return hourly / (vcpus * 3_600_000);
}

const round = (x: number) => Math.round(x * 100) / 100;

/**
 * Dollars per million runs. EC2 is charged for the CPU a run uses, as if instances were
 * fully busy: a floor (idle capacity and burst credits cost more).
 */
export function costPerMillionRuns(requests: RunRequests, cpu: RunCpu, fleet: Fleet): CostPerMillion {
  const apiGateway = requests.posts * PRICES.apiGatewayMessagePerMillion;
  const sqs = requests.sqs * PRICES.sqsRequestPerMillion;
  const dynamodb = requests.dynamoWriteUnits * PRICES.dynamoWriteUnitPerMillion + requests.dynamoReadUnits * PRICES.dynamoReadUnitPerMillion;
  const ec2 = 1e6 * (cpu.gatewayMs * pricePerCpuMs(fleet.gatewayInstanceType) + cpu.workerMs * pricePerCpuMs(fleet.workerInstanceType));
  return { apiGateway: round(apiGateway), sqs: round(sqs), dynamodb: round(dynamodb), ec2: round(ec2), total: round(apiGateway + sqs + dynamodb + ec2) };
}

/** Requests counted per run by API (`Client/Command` -> calls per run) in the kinds above, one unit per call. */
export function requestsByKind(perRun: Record<string, number>): RunRequests {
  const sum = (match: (key: string) => boolean) => Object.entries(perRun).filter(([k]) => match(k)).reduce((n, [, v]) => n + v, 0);
  return {
    posts: sum((k) => k.startsWith('ApiGatewayManagementApi')),
    sqs: sum((k) => k.startsWith('SQS')),
    dynamoWriteUnits: sum((k) => k.startsWith('DynamoDB') && /(Put|Update|Delete|BatchWrite)/.test(k)),
    dynamoReadUnits: sum((k) => k.startsWith('DynamoDB') && /(Get|Query|Scan|BatchGet)/.test(k)),
  };
}
