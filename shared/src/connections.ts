/**
 * The connections table: one item per socket, written on `$connect`, removed on
 * `$disconnect` (or when API Gateway says the socket is gone).
 */
import { DeleteCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ttlFrom } from './executions.ts';

export interface ConnectionItem {
  connectionId: string;
  connectedAt: number;
  sourceIp: string;
  ttl: number;
}

export class ConnectionStore {
  readonly client: DynamoDBDocumentClient;
  readonly table: string;

  constructor(client: DynamoDBDocumentClient, table: string) {
    this.client = client;
    this.table = table;
  }

  async put(item: Omit<ConnectionItem, 'ttl'>): Promise<void> {
    await this.client.send(new PutCommand({ TableName: this.table, Item: { ...item, ttl: ttlFrom(item.connectedAt) } }));
  }

  async delete(connectionId: string): Promise<void> {
    await this.client.send(new DeleteCommand({ TableName: this.table, Key: { connectionId } }));
  }
}
