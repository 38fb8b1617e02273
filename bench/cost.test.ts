import { describe, expect, it } from 'vitest';
import { PRICES, costPerMillionRuns, pricePerCpuMs, requestsByKind } from './cost.ts';

describe('the cost model', () => {
  it('sorts counted calls into posts, SQS requests, DynamoDB write and read units', () => {
    expect(requestsByKind({
      'ApiGatewayManagementApiClient/PostToConnectionCommand': 1,
      'SQSClient/SendMessageCommand': 1,
      'SQSClient/ReceiveMessageCommand': 0.5,
      'SQSClient/DeleteMessageBatchCommand': 0.25,
      'DynamoDBClient/PutCommand': 1,
      'DynamoDBClient/UpdateCommand': 2,
      'DynamoDBClient/QueryCommand': 0.1,
      'DynamoDBClient/GetCommand': 0.4,
    })).toEqual({ posts: 1, sqs: 1.75, dynamoWriteUnits: 3, dynamoReadUnits: 0.5 });
  });

  it.each([
    // posts, sqs, writes, reads -> dollars per million runs for requests alone
    [{ posts: 3, sqs: 3, dynamoWriteUnits: 3, dynamoReadUnits: 1 }, 3 + 1.2 + 1.875 + 0.125],
    [{ posts: 1, sqs: 2, dynamoWriteUnits: 2, dynamoReadUnits: 0 }, 1 + 0.8 + 1.25],
    [{ posts: 0, sqs: 0, dynamoWriteUnits: 0, dynamoReadUnits: 0 }, 0],
  ])('prices %o at %d dollars per million runs before EC2', (requests, dollars) => {
    const cost = costPerMillionRuns(requests, { gatewayMs: 0, workerMs: 0 }, { gatewayInstanceType: 't3.small', workerInstanceType: 't3.medium' });
    expect(cost.total).toBeCloseTo(dollars, 2);
    expect(cost.ec2).toBe(0);
  });

  it('charges EC2 for CPU at the instance price spread over its vCPUs', () => {
    // t3.medium: $0.0416 an hour for 2 vCPUs = 7,200,000 CPU-ms.
    expect(pricePerCpuMs('t3.medium')).toBeCloseTo(0.0416 / 7_200_000, 15);
    const cost = costPerMillionRuns({ posts: 0, sqs: 0, dynamoWriteUnits: 0, dynamoReadUnits: 0 }, { gatewayMs: 0, workerMs: 10 }, { gatewayInstanceType: 't3.small', workerInstanceType: 't3.medium' });
    expect(cost.ec2).toBeCloseTo((10 * 1e6 * 0.0416) / 7_200_000, 2);
  });

  it('refuses an instance type it has no price for, saying where to add one', () => {
    expect(() => pricePerCpuMs('m7g.large')).toThrow(/bench\/cost\.ts/);
    expect(PRICES.region).toBe('us-east-1');
  });
});
