/**
 * Sends server messages to a client through API Gateway's management API (locally: the
 * gateway's own @connections routes). A closed connection is an expected outcome, not
 * an error: it answers `gone` so callers can stop posting and clean up.
 */
import { GoneException, PostToConnectionCommand, type ApiGatewayManagementApiClient } from '@aws-sdk/client-apigatewaymanagementapi';
import { managementClient } from './aws-clients.ts';
import { LIMITS } from './limits.ts';
import type { ExecutionEvent, ServerMessage } from './protocol.ts';

export type DeliveryResult = 'sent' | 'gone';

/**
 * Execution messages packed into as few frames as fit under API Gateway's frame size:
 * consecutive messages share a `batch` frame, a message that fits with no other goes
 * alone, as itself. Order is kept, so `result` stays last.
 */
export function packFrames(events: readonly ExecutionEvent[], maxBytes: number = LIMITS.maxPostBytes): ServerMessage[] {
  const frames: ServerMessage[] = [];
  // `{"type":"batch","events":[` + `]}` plus a comma per message.
  const envelope = 28;
  let group: ExecutionEvent[] = [];
  let bytes = envelope;
  const close = () => {
    if (group.length === 1) frames.push(group[0]!);
    else if (group.length > 1) frames.push({ type: 'batch', events: group });
    group = [];
    bytes = envelope;
  };
  for (const event of events) {
    const size = Buffer.byteLength(JSON.stringify(event)) + 1;
    if (group.length > 0 && bytes + size > maxBytes) close();
    group.push(event);
    bytes += size;
  }
  close();
  return frames;
}

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

  /** Posts execution messages in as few frames as fit; stops at a gone connection. */
  async postAll(connectionId: string, events: readonly ExecutionEvent[]): Promise<DeliveryResult> {
    for (const frame of packFrames(events)) {
      if ((await this.post(connectionId, frame)) === 'gone') return 'gone';
    }
    return 'sent';
  }

  destroy(): void {
    this.client.destroy();
  }
}
