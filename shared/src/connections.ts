/**
 * The connections table: one item per socket, written on `$connect`, removed on
 * `$disconnect`. It also counts the socket's unfinished executions, so the cap on
 * queued + running runs per socket holds across a fleet of gateways: the gateway
 * reserves a slot with a conditional increment, and whoever writes the final status
 * (worker, cancel, dead-letter consumer) gives it back.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ttlFrom } from './executions.ts';

export interface ConnectionItem {
  connectionId: string;
  connectedAt: number;
  sourceIp: string;
  /** Executions started from this socket and not yet final. */
  active?: number;
  ttl: number;
}

export class ConnectionStore {
  readonly client: DynamoDBDocumentClient;
  readonly table: string;

  constructor(client: DynamoDBDocumentClient, table: string) {
    this.client = client;
    this.table = table;
  }

  async put(item: Omit<ConnectionItem, 'ttl' | 'active'>): Promise<void> {
    await this.client.send(new PutCommand({ TableName: this.table, Item: { ...item, active: 0, ttl: ttlFrom(item.connectedAt) } }));
  }

  async delete(connectionId: string): Promise<void> {
    await this.client.send(new DeleteCommand({ TableName: this.table, Key: { connectionId } }));
  }

  /** Takes one of the socket's `cap` slots; false when all are in use. */
  async reserve(connectionId: string, cap: number): Promise<boolean> {
    try {
      await this.client.send(new UpdateCommand({
        TableName: this.table,
        Key: { connectionId },
        UpdateExpression: 'SET active = if_not_exists(active, :zero) + :one',
        ConditionExpression: 'attribute_exists(connectionId) AND (attribute_not_exists(active) OR active < :cap)',
        ExpressionAttributeValues: { ':zero': 0, ':one': 1, ':cap': cap },
      }));
      return true;
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException) return false;
      throw err;
    }
  }

  /** Gives a slot back; a socket that is gone has nothing to give back to. */
  async release(connectionId: string): Promise<void> {
    try {
      await this.client.send(new UpdateCommand({
        TableName: this.table,
        Key: { connectionId },
        UpdateExpression: 'SET active = active - :one',
        ConditionExpression: 'attribute_exists(connectionId) AND active > :zero',
        ExpressionAttributeValues: { ':zero': 0, ':one': 1 },
      }));
    } catch (err) {
      if (!(err instanceof ConditionalCheckFailedException)) throw err;
    }
  }
}
