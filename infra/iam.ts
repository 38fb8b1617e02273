/**
 * DynamoDB grants as data: for each service, what it does to each table and to each of
 * the table's indexes. A Scan or Query on an index is authorized against the index's own
 * ARN (`table/<name>/index/<index>`), not the table's, so the two are listed apart; a
 * grant on the table alone is what made the workers' recovery sweep fail with
 * AccessDenied in the cloud while it passed against the local emulator.
 *
 * The grant list is typed by the table definitions (shared/src/resources.ts): every
 * table must be listed for every service (`{}` when it uses none), and an index can be
 * named only if the table defines it. Adding a table therefore fails the typecheck until
 * someone writes down who may use it.
 */
import * as pulumi from '@pulumi/pulumi';
import type * as aws from '@pulumi/aws';
import type { TABLES } from '../shared/src/resources.ts';
import type { PolicyStatement } from './fleet.ts';

export type TableKey = keyof typeof TABLES;

/** The DynamoDB actions the services' code may call (item and read operations only). */
export type DynamoAction =
  | 'dynamodb:GetItem' | 'dynamodb:PutItem' | 'dynamodb:UpdateItem' | 'dynamodb:DeleteItem'
  | 'dynamodb:ConditionCheckItem' | 'dynamodb:BatchGetItem' | 'dynamodb:BatchWriteItem'
  | 'dynamodb:Query' | 'dynamodb:Scan';

type IndexName<K extends TableKey> = (typeof TABLES)[K]['indexes'][number] extends { name: infer N extends string } ? N : never;

export interface TableGrant<K extends TableKey> {
  /** Actions on the table itself (items, and a Query or Scan of the base table). */
  table?: ReadonlyArray<DynamoAction>;
  /** Query or Scan of one index: authorized against that index's ARN. */
  indexes?: Partial<Record<IndexName<K>, ReadonlyArray<'dynamodb:Query' | 'dynamodb:Scan'>>>;
}

/** One service's use of every table. */
export type TableGrants = { [K in TableKey]: TableGrant<K> };

const capitalize = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);

/** Policy statements for one service's grants, one per table and one per index used. */
export function tableStatements(grants: TableGrants, tables: Record<TableKey, aws.dynamodb.Table>): PolicyStatement[] {
  const statements: PolicyStatement[] = [];
  for (const key of Object.keys(grants) as TableKey[]) {
    const grant = grants[key] as TableGrant<TableKey>;
    const table = tables[key];
    if (grant.table?.length) {
      statements.push({ Sid: `Table${capitalize(key)}`, Effect: 'Allow', Action: [...grant.table], Resource: [table.arn] });
    }
    for (const [index, actions] of Object.entries(grant.indexes ?? {}) as Array<[string, ReadonlyArray<string>]>) {
      if (!actions.length) continue;
      statements.push({ Sid: `Table${capitalize(key)}Index${capitalize(index)}`, Effect: 'Allow', Action: [...actions], Resource: [pulumi.interpolate`${table.arn}/index/${index}`] });
    }
  }
  return statements;
}
