/**
 * The one place the services' AWS SDK clients are configured: retries and timeouts are
 * chosen here, on purpose, not left to defaults.
 *
 * - Retries: the SDK's standard mode (exponential backoff with full jitter, throttling
 *   and 5xx and connection errors retried, a client-wide retry quota so a failing
 *   service is not hammered) with 5 attempts instead of 3: at a 20% fault rate a call
 *   still fails outright about once in 3,000 (0.2^5), where 3 attempts fail once in 125.
 * - Timeouts: a connection that does not open in 3 s, or a response that does not come
 *   in 15 s (SQS: 25 s, longer than its 20 s long poll), is a failed attempt and is
 *   retried, so a hung endpoint costs seconds, not forever (the default has no
 *   timeout). Not shorter: a busy store that answers late still answers, and a retry
 *   sent beside a slow call only adds to its load (seen with a 5 s timeout: the local
 *   store under a burst of 300 runs on two cores answered `unavailable`).
 * Endpoints come from the SDK's standard variables (`AWS_ENDPOINT_URL_DYNAMODB`, ...),
 * so the same clients serve AWS and the local emulators.
 */
import { ApiGatewayManagementApiClient } from '@aws-sdk/client-apigatewaymanagementapi';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { NodeHttpHandler } from '@smithy/node-http-handler';

/** `AWS_MAX_ATTEMPTS` (the SDK's own variable) still overrides the attempts, for tests and operators. */
export const AWS_RETRY = { maxAttempts: Number(process.env.AWS_MAX_ATTEMPTS) || 5, retryMode: 'standard' } as const;
export const AWS_TIMEOUTS = { connectionMs: 3_000, requestMs: 15_000, longPollRequestMs: 25_000 } as const;

const handler = (requestMs: number) => new NodeHttpHandler({ connectionTimeout: AWS_TIMEOUTS.connectionMs, requestTimeout: requestMs });

export function dynamoDocumentClient(region: string): DynamoDBDocumentClient {
  const client = new DynamoDBClient({ region, ...AWS_RETRY, requestHandler: handler(AWS_TIMEOUTS.requestMs) });
  return DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
}

export function sqsClient(region: string): SQSClient {
  return new SQSClient({ region, ...AWS_RETRY, requestHandler: handler(AWS_TIMEOUTS.longPollRequestMs) });
}

export function managementClient(endpoint: string, region: string): ApiGatewayManagementApiClient {
  return new ApiGatewayManagementApiClient({ endpoint, region, ...AWS_RETRY, requestHandler: handler(AWS_TIMEOUTS.requestMs) });
}
