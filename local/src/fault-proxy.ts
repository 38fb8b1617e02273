/**
 * A proxy in front of an emulator (or the management endpoint) that, for a share of
 * calls, answers as AWS does under stress: throttling, 500 and 503, a connection reset,
 * or a 2-second stall before the real answer. The local stack puts one in front of each
 * endpoint when asked (`faults`), so the services' retries and the run guarantees can be
 * tested against the failures AWS documents. Loopback only; nothing else is proxied.
 */
import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type FaultKind = 'throttle' | 'server_error' | 'unavailable' | 'reset' | 'stall';
export type FaultedService = 'dynamodb' | 'sqs' | 'management';

export interface FaultProxy {
  readonly url: string;
  /** The share of calls (0 to 1) that get a fault from now on. */
  setRate(rate: number): void;
  readonly counts: { calls: number } & Record<FaultKind, number>;
  close(): Promise<void>;
}

export const FAULT_KINDS: readonly FaultKind[] = ['throttle', 'server_error', 'unavailable', 'reset', 'stall'];
const STALL_MS = 2_000;

/** The error AWS sends for each kind, in each service's protocol (the SDK reads the name from these). */
function awsError(service: FaultedService, kind: Exclude<FaultKind, 'reset' | 'stall'>): { status: number; headers: Record<string, string>; body: string } {
  const status = kind === 'throttle' ? (service === 'management' ? 429 : 400) : kind === 'server_error' ? 500 : 503;
  const name = {
    throttle: service === 'dynamodb' ? 'ProvisionedThroughputExceededException' : service === 'sqs' ? 'RequestThrottled' : 'LimitExceededException',
    server_error: service === 'dynamodb' ? 'InternalServerError' : service === 'sqs' ? 'InternalError' : 'InternalServerErrorException',
    unavailable: 'ServiceUnavailable',
  }[kind];
  const message = kind === 'throttle' ? 'Rate exceeded (injected)' : 'We encountered an internal error (injected)';
  if (service === 'management') {
    return { status, headers: { 'content-type': 'application/json', 'x-amzn-errortype': name }, body: JSON.stringify({ message }) };
  }
  return {
    status,
    headers: {
      'content-type': 'application/x-amz-json-1.0',
      ...(service === 'sqs' ? { 'x-amzn-query-error': `${name};${kind === 'throttle' ? 'Sender' : 'Receiver'}` } : {}),
    },
    body: JSON.stringify({ __type: `${service === 'dynamodb' ? 'com.amazonaws.dynamodb.v20120810' : 'com.amazonaws.sqs'}#${name}`, message }),
  };
}

export async function startFaultProxy(opts: { service: FaultedService; target: string; rate?: number; kinds?: readonly FaultKind[]; random?: () => number }): Promise<FaultProxy> {
  const target = new URL(opts.target);
  if (!['127.0.0.1', 'localhost', '[::1]'].includes(target.hostname)) throw new Error(`The fault proxy forwards to loopback only, not ${target.hostname}.`);
  const kinds = opts.kinds ?? FAULT_KINDS;
  const random = opts.random ?? Math.random;
  let rate = opts.rate ?? 0;
  const counts = { calls: 0, throttle: 0, server_error: 0, unavailable: 0, reset: 0, stall: 0 };

  const forward = (req: IncomingMessage, res: ServerResponse, body: Buffer) => {
    const upstream = httpRequest({
      host: target.hostname.replace(/^\[|\]$/g, ''), port: target.port, method: req.method, path: req.url, headers: { ...req.headers, host: target.host },
    }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', () => res.destroy());
    upstream.end(body);
  };

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      counts.calls += 1;
      const body = Buffer.concat(chunks);
      if (random() >= rate) return forward(req, res, body);
      const kind = kinds[Math.floor(random() * kinds.length)]!;
      counts[kind] += 1;
      if (kind === 'reset') return req.socket.destroy();
      if (kind === 'stall') return void setTimeout(() => forward(req, res, body), STALL_MS);
      const error = awsError(opts.service, kind);
      res.writeHead(error.status, error.headers).end(error.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    setRate(r: number) {
      if (!(r >= 0 && r <= 1)) throw new Error(`A fault rate is between 0 and 1, got ${r}.`);
      rate = r;
    },
    counts,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
