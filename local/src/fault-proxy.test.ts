import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { ListQueuesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { ApiGatewayManagementApiClient, GetConnectionCommand } from '@aws-sdk/client-apigatewaymanagementapi';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startFaultProxy, type FaultKind, type FaultProxy, type FaultedService } from './fault-proxy.ts';

// A stand-in upstream that answers every call with an empty success for each protocol.
let upstream: Server;
let target: string;
beforeAll(async () => {
  upstream = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      if (req.url?.startsWith('/@connections')) res.writeHead(200, { 'content-type': 'application/json' }).end('{"connectedAt":"2026-01-01T00:00:00Z"}');
      else if (String(req.headers['x-amz-target']).startsWith('AmazonSQS')) res.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' }).end('{"QueueUrls":[]}');
      else res.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' }).end('{"TableNames":[]}');
    });
  });
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  target = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => upstream.close(() => resolve())));

const credentials = { accessKeyId: 'x', secretAccessKey: 'x' };
const call = (service: FaultedService, endpoint: string) => {
  const options = { region: 'us-east-1', credentials, endpoint, maxAttempts: 1 };
  if (service === 'dynamodb') return new DynamoDBClient(options).send(new ListTablesCommand({}));
  if (service === 'sqs') return new SQSClient(options).send(new ListQueuesCommand({}));
  return new ApiGatewayManagementApiClient(options).send(new GetConnectionCommand({ ConnectionId: 'c1' }));
};

describe('the fault proxy', () => {
  const expected: Record<FaultedService, Record<'throttle' | 'server_error' | 'unavailable', string>> = {
    dynamodb: { throttle: 'ProvisionedThroughputExceededException', server_error: 'InternalServerError', unavailable: 'ServiceUnavailable' },
    sqs: { throttle: 'RequestThrottled', server_error: 'InternalError', unavailable: 'ServiceUnavailable' },
    management: { throttle: 'LimitExceededException', server_error: 'InternalServerErrorException', unavailable: 'ServiceUnavailable' },
  };
  for (const service of ['dynamodb', 'sqs', 'management'] as const) {
    it(`answers ${service} calls with the errors AWS sends, which the SDK reads by name and retries`, async () => {
      for (const kind of ['throttle', 'server_error', 'unavailable'] as const) {
        const proxy = await startFaultProxy({ service, target, rate: 1, kinds: [kind] });
        try {
          const err = await call(service, proxy.url).then(() => undefined, (e: unknown) => e as { name: string; $retryable?: unknown; $metadata: { httpStatusCode?: number } });
          expect(err?.name).toBe(expected[service][kind]);
          expect(proxy.counts[kind]).toBe(1);
        } finally {
          await proxy.close();
        }
      }
    });
  }

  it('resets connections, stalls, and passes calls through untouched at rate 0', async () => {
    const proxies: FaultProxy[] = [];
    const start = async (kinds: FaultKind[], rate: number) => {
      const p = await startFaultProxy({ service: 'dynamodb', target, rate, kinds });
      proxies.push(p);
      return p;
    };
    try {
      const reset = await start(['reset'], 1);
      await expect(call('dynamodb', reset.url)).rejects.toMatchObject({ code: expect.stringMatching(/ECONNRESET|EPIPE|socket hang up/i) });
      const stall = await start(['stall'], 1);
      await expect(call('dynamodb', stall.url)).resolves.toMatchObject({ TableNames: [] });
      expect(stall.counts.stall).toBe(1);
      const clean = await start(['throttle'], 0);
      await expect(call('dynamodb', clean.url)).resolves.toMatchObject({ TableNames: [] });
      expect(clean.counts).toMatchObject({ calls: 1, throttle: 0 });
    } finally {
      await Promise.all(proxies.map((p) => p.close()));
    }
  });

  it('forwards only to loopback', async () => {
    await expect(startFaultProxy({ service: 'sqs', target: 'http://10.0.0.1:9324' })).rejects.toThrow(/loopback/);
  });
});
