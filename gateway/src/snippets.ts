/** The shared snippets table (share links): content-addressed, written once. */
import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ifConditionHolds } from '@playground/shared/executions';
import type { Language } from '@playground/shared';

export interface SnippetItem {
  snippetId: string;
  language: Language;
  code: string;
  stdin?: string;
  createdAt: number;
  ttl: number;
}

export class SnippetStore {
  readonly client: DynamoDBDocumentClient;
  readonly table: string;
  constructor(client: DynamoDBDocumentClient, table: string) {
    this.client = client;
    this.table = table;
  }
  /** Content-addressed: storing the same snippet twice is a no-op. */
  async put(item: Omit<SnippetItem, 'ttl'>): Promise<void> {
    // Shared links last a year; the id is the content's hash, so a rewrite changes nothing.
    await ifConditionHolds(this.client.send(new PutCommand({
      TableName: this.table,
      Item: { ...item, ttl: Math.floor(item.createdAt / 1000) + 365 * 24 * 3600 },
      ConditionExpression: 'attribute_not_exists(snippetId)',
    })));
  }
  async get(snippetId: string): Promise<SnippetItem | undefined> {
    const out = await this.client.send(new GetCommand({ TableName: this.table, Key: { snippetId } }));
    return out.Item as SnippetItem | undefined;
  }
}
