export { buildGateway, type GatewayOptions } from './app.ts';
export { INTEGRATION_HEADERS } from './integration.ts';
