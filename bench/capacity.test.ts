import { describe, expect, it } from 'vitest';
import { QUOTAS, inputFromResults, plan } from './capacity.ts';

const hello = {
  'DynamoDBClient/PutCommand': 1,
  'SQSClient/SendMessageCommand': 1,
  'DynamoDBClient/UpdateCommand': 2,
  'SQSClient/ReceiveMessageCommand': 1,
  'ApiGatewayManagementApiClient/PostToConnectionCommand': 1,
  'SQSClient/DeleteMessageBatchCommand': 1,
};
const fleet = { gatewayInstanceType: 't3.small', workerInstanceType: 't3.medium', workerConcurrency: 4 };

describe('capacity planning', () => {
  it.each([
    // runs/s, gateway CPU ms, worker CPU ms, slot ms -> gateways, workers
    [10, 5, 15, 5, 2, 1],
    [500, 5, 15, 5, 3, 7],
    [1000, 5, 15, 2000, 5, 834],
  ])('at %d runs/s with %d/%d CPU ms and %d ms slots needs %d gateways and %d workers', (rate, gatewayMs, workerMs, slotMs, gateways, workers) => {
    const p = plan({ runsPerSecond: rate, perRun: hello, cpu: { gatewayMs, workerMs }, slotMs, fleet });
    expect(p.gateways).toBe(gateways);
    expect(p.workers).toBe(workers);
  });

  it('counts a client frame and each post against API Gateway, and names the quota nearest its limit', () => {
    const p = plan({ runsPerSecond: 4000, perRun: hello, cpu: { gatewayMs: 5, workerMs: 15 }, slotMs: 5, fleet });
    const api = p.quotas.find((q) => q.quota.startsWith('API Gateway requests'))!;
    expect(api.use).toBe(8000);
    expect(api.share).toBeCloseTo(8000 / QUOTAS.apiGatewayRequestsPerSecond, 3);
    // 4000 runs/s needs far more vCPUs than a new account has.
    expect(p.raiseFirst).toBe('EC2 On-Demand standard vCPUs');
  });

  it('prices a day: requests at their unit prices and instances by the hour', () => {
    const p = plan({ runsPerSecond: 1, perRun: hello, cpu: { gatewayMs: 5, workerMs: 15 }, slotMs: 5, fleet });
    // 86,400 runs: posts $1/M, SQS 3 x $0.4/M, DynamoDB 3 writes x $0.625/M = $4.075/M runs.
    expect(p.dollarsPerDay.requests).toBeCloseTo((4.075 * 86_400) / 1e6, 2);
    // 2 t3.small gateways and 1 t3.medium worker for 24 h.
    expect(p.dollarsPerDay.instances).toBeCloseTo(24 * (2 * 0.0208 + 0.0416), 2);
  });

  it('reads its inputs from the bench results, and says what to run when they are missing', () => {
    const results = { requests: [{ program: 'hello', perRun: hello }], throughput: [{ cpuMsPerRun: { gateway: 4, workers: 10, sandboxes: 6 } }], helloWorld: { breakdownP50: { sandboxWall: 3 } } };
    expect(inputFromResults(results, 'hello', 100)).toMatchObject({ runsPerSecond: 100, cpu: { gatewayMs: 4, workerMs: 16 }, slotMs: 3 });
    expect(() => inputFromResults({}, 'hello', 100)).toThrow(/npm run bench/);
  });
});
