/**
 * The contract between API Gateway's WebSocket routes and the gateway's integration
 * door, defined once: the Pulumi program maps each route to its path and sets these
 * headers (infra/realtime.ts); the gateway serves the paths and reads the headers
 * (gateway/src/integration.ts).
 */

/** Headers API Gateway sets on every integration call. */
export const INTEGRATION_HEADERS = {
  connectionId: 'x-connection-id',
  sourceIp: 'x-source-ip',
  secret: 'x-integration-secret',
} as const;

/** WebSocket route -> the gateway's path for it. */
export const INTEGRATION_ROUTES = {
  $connect: '/integration/connect',
  $disconnect: '/integration/disconnect',
  $default: '/integration/default',
} as const;
