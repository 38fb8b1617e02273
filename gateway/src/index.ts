export { buildGateway, type GatewayOptions, type GatewayEdge, type EdgeParts } from './app.ts';
export { runGateway } from './main.ts';
export { INTEGRATION_HEADERS } from './integration.ts';
export { RateLimits } from './rate-limits.ts';
export type { Handlers } from './handlers.ts';
