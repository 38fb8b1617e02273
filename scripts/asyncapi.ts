/**
 * `npm run asyncapi`: writes docs/asyncapi.json, the protocol as an AsyncAPI 3 document,
 * generated from the TypeBox schemas of shared/src/protocol.ts (every exported schema
 * with a literal `action` is a client message, with a literal `type` a server message),
 * the error catalogue and the limits. tests/asyncapi.test.ts validates it with the
 * AsyncAPI parser and fails when the schemas changed and this file was not run.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as protocol from '@playground/shared/protocol';
import { ERROR_EXAMPLES } from '@playground/shared/errors';
import { LIMITS } from '@playground/shared/limits';

export const ASYNCAPI_PATH = fileURLToPath(new URL('../docs/asyncapi.json', import.meta.url));

type Schema = { properties?: Record<string, { const?: unknown }>; description?: string };

/** The exported message schemas, keyed by their literal `action` or `type`, by name (module namespaces differ in order between loaders). */
function messageSchemas(key: 'action' | 'type'): Array<{ name: string; tag: string; schema: Schema }> {
  return Object.entries(protocol)
    .filter(([, value]) => typeof value === 'object' && value !== null && 'properties' in value)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([name, value]) => ({ name, schema: value as Schema }))
    .filter(({ schema }) => typeof schema.properties?.[key]?.const === 'string')
    .map(({ name, schema }) => ({ name, tag: schema.properties![key]!.const as string, schema }));
}

/** A plain copy without TypeBox's symbol keys, so the document is JSON as written. */
const plain = (schema: unknown): unknown => JSON.parse(JSON.stringify(schema));

const SUMMARIES: Record<string, string> = {
  run: 'Run a program. Answered `accepted` (then `started`, `output`..., `result`) or `rejected`.',
  cancel: 'Stop an execution this socket owns. Answered `ack`; the result then says `cancelled` unless it had finished.',
  resume: 'Follow an execution on this socket: replays every stored event after `afterSeq`, then live events. Answered `ack` or `error` `not_found`.',
  ping: 'Keep the socket alive (idle sockets close after 10 minutes). Answered `pong`.',
  share: 'Store a snippet for a share link. Answered `shared`.',
  load: 'Load a shared snippet. Answered `snippet` or `error` `not_found`.',
  accepted: 'The run is stored and queued; `token` lets any socket `resume` it.',
  rejected: 'The run was refused (validation, size, rate limit, unavailable); nothing runs.',
  started: 'An attempt began (`attempt` 1, or higher after a retry). Numbered by `seq`.',
  output: 'A chunk of stdout or stderr (at most 30 KiB). Numbered by `seq`.',
  result: 'The final event of an execution: its status, error, stats. Numbered by `seq`.',
  error: 'A request other than `run` failed, or a frame could not be read.',
  pong: 'Answer to `ping`.',
  shared: 'Answer to `share`: the snippet id.',
  snippet: 'Answer to `load`: the snippet.',
  ack: 'Answer to `cancel` and `resume`: the request was taken.',
};

export function asyncApiDocument(): Record<string, unknown> {
  const clients = messageSchemas('action');
  const servers = messageSchemas('type');
  const schemas: Record<string, unknown> = {};
  const messages: Record<string, unknown> = {};
  for (const { name, tag, schema } of [...clients, ...servers]) {
    schemas[name] = plain(schema);
    messages[tag] = {
      name: tag,
      title: name,
      summary: SUMMARIES[tag] ?? name,
      payload: { $ref: `#/components/schemas/${name}` },
    };
  }
  const errorCodes = Object.entries(ERROR_EXAMPLES).map(([code, message]) => `- \`${code}\`: ${message}`).join('\n');
  return {
    asyncapi: '3.0.0',
    info: {
      title: 'Playground WebSocket protocol',
      version: '1.0.0',
      description: [
        'Run JavaScript and TypeScript over one WebSocket: one JSON object per text frame.',
        'Client messages are a union on `action`, server messages a union on `type`. Only optional fields and new',
        'actions or types are ever added; clients ignore what they do not know. docs/protocol.md is the prose contract.',
        '',
        `Error codes (\`error.code\` in \`rejected\` and \`error\`):\n${errorCodes}`,
      ].join('\n'),
      'x-limits': plain(LIMITS),
    },
    defaultContentType: 'application/json',
    servers: {
      local: { host: 'localhost:8080', pathname: '/ws', protocol: 'ws', description: '`npm start`' },
      aws: {
        host: '{apiId}.execute-api.{region}.amazonaws.com',
        pathname: '/{stage}',
        protocol: 'wss',
        description: 'A deployed stack (API Gateway WebSocket API).',
        variables: { apiId: { description: 'The API id Pulumi printed.' }, region: { default: 'us-east-1' }, stage: { default: 'live' } },
      },
    },
    channels: {
      socket: {
        address: null,
        title: 'The socket',
        description: 'Every message travels on the one socket; executions are told apart by `executionId`, requests by `requestId`.',
        messages: Object.fromEntries(Object.keys(messages).map((tag) => [tag, { $ref: `#/components/messages/${tag}` }])),
      },
    },
    operations: {
      ...Object.fromEntries(clients.map(({ tag }) => [`receive_${tag}`, {
        action: 'receive',
        title: `Client sends ${tag}`,
        summary: SUMMARIES[tag],
        channel: { $ref: '#/channels/socket' },
        messages: [{ $ref: `#/channels/socket/messages/${tag}` }],
      }])),
      ...Object.fromEntries(servers.map(({ tag }) => [`send_${tag}`, {
        action: 'send',
        title: `Server sends ${tag}`,
        summary: SUMMARIES[tag],
        channel: { $ref: '#/channels/socket' },
        messages: [{ $ref: `#/channels/socket/messages/${tag}` }],
      }])),
    },
    components: { schemas, messages },
  };
}

export const asyncApiText = (): string => `${JSON.stringify(asyncApiDocument(), null, 2)}\n`;

if (import.meta.main) {
  writeFileSync(ASYNCAPI_PATH, asyncApiText());
  console.log(`wrote ${ASYNCAPI_PATH}`);
}
