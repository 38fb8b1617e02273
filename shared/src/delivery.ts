/**
 * Sends server messages to a client through API Gateway's management API (locally: the
 * gateway's own @connections routes). A closed connection is an expected outcome, not
 * an error: it answers `gone` so callers can stop posting and clean up.
 */
import { GoneException, PostToConnectionCommand, type ApiGatewayManagementApiClient } from '@aws-sdk/client-apigatewaymanagementapi';
import { managementClient } from './aws-clients.ts';
import type { ServerMessage } from './protocol.ts';

export type DeliveryResult = 'sent' | 'gone';

export class Delivery {
  readonly client: ApiGatewayManagementApiClient;

  constructor(endpoint: string, region: string) {
    this.client = managementClient(endpoint, region);
  }

  async post(connectionId: string, message: ServerMessage): Promise<DeliveryResult> {
    try {
      await this.client.send(new PostToConnectionCommand({ ConnectionId: connectionId, Data: JSON.stringify(message) }));
      return 'sent';
    } catch (err) {
      if (err instanceof GoneException || (err as { name?: string }).name === 'GoneException') return 'gone';
      throw err;
    }
  }

  destroy(): void {
    this.client.destroy();
  }
}
