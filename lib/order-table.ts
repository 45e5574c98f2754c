import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { acknowledge, wildcardResourceFinding } from './nag.js';
import { ENV } from '../functions/adapters/env.js';
import { LOOKUP_INDEX, OUTBOX_INDEX, TIMERS_INDEX } from '../functions/adapters/keys.js';

/** Attribute every item carries (epoch seconds) so DynamoDB deletes it after the retention period. */
export const TTL_ATTRIBUTE = 'expiresAt';

export interface OrderTableProps {
  /**
   * What happens to the table (and its personal data) when the stack is deleted.
   * @default RemovalPolicy.RETAIN — the data outlives the stack; delete it deliberately
   */
  readonly removalPolicy?: RemovalPolicy;
  /** @default true — guards against deleting the table by hand in the console */
  readonly deletionProtection?: boolean;
}

/**
 * The single table (see functions/adapters/keys.ts): pk/sk strings, a GSI for the order
 * lookup, a sparse one for the event outbox and a sparse one for the orders' timers, on-demand billing, point-in-time recovery and TTL on `expiresAt`.
 *
 * Encryption uses the AWS managed key (aws/dynamodb) rather than a customer-managed one: every
 * use of the key is still logged in CloudTrail, nothing outside this account reads the table,
 * and it avoids a key policy to maintain and a per-key monthly charge. Switch to
 * `TableEncryption.CUSTOMER_MANAGED` if the data must be made unreadable by disabling a key.
 */
export class OrderTable extends Construct {
  readonly table: dynamodb.Table;

  constructor(scope: Construct, id: string, props: OrderTableProps = {}) {
    super(scope, id);
    this.table = new dynamodb.Table(this, 'Table', {
      partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
      sortKey: { name: 'sk', type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: dynamodb.TableEncryption.AWS_MANAGED,
      timeToLiveAttribute: TTL_ATTRIBUTE,
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
      deletionProtection: props.deletionProtection ?? true,
    });
    this.table.addGlobalSecondaryIndex({
      indexName: LOOKUP_INDEX,
      partitionKey: { name: 'gsi1pk', type: dynamodb.AttributeType.STRING },
      sortKey: { name: 'gsi1sk', type: dynamodb.AttributeType.STRING },
      projectionType: dynamodb.ProjectionType.ALL,
    });
    // Sparse: only stored events an earlier version never queued carry its keys (ingest now
    // queues first and writes neither; functions/services/sweep-outbox.ts drains them). The sweeper needs
    // the event itself to queue it, and nothing else. Its MAIL partition holds unsettled
    // participation email claims (keys only: the re-drive reads each line back,
    // functions/services/redrive-participation.ts).
    this.table.addGlobalSecondaryIndex({
      indexName: OUTBOX_INDEX,
      partitionKey: { name: 'outboxPk', type: dynamodb.AttributeType.STRING },
      sortKey: { name: 'outboxSk', type: dynamodb.AttributeType.NUMBER },
      projectionType: dynamodb.ProjectionType.INCLUDE,
      nonKeyAttributes: ['event'],
    });
    // Sparse: only orders due at some time (functions/adapters/keys.ts, TIMERS_INDEX); the
    // poller needs which order, nothing else. Sharded so many orders' writes spread out.
    this.table.addGlobalSecondaryIndex({
      indexName: TIMERS_INDEX,
      partitionKey: { name: 'timerPk', type: dynamodb.AttributeType.STRING },
      sortKey: { name: 'timerSk', type: dynamodb.AttributeType.STRING },
      projectionType: dynamodb.ProjectionType.INCLUDE,
      nonKeyAttributes: ['store', 'orderId'],
    });
  }

  /** Grants a function read or read/write access to the table and its index, and sets TABLE_NAME. */
  bindTo(fn: lambda.Function, access: 'read' | 'readWrite'): iam.Grant {
    fn.addEnvironment(ENV.tableName, this.table.tableName);
    const grant = access === 'read' ? this.table.grantReadData(fn) : this.table.grantReadWriteData(fn);
    if (fn.role) {
      acknowledge(
        fn.role,
        wildcardResourceFinding(this, `${this.table.tableArn}/index/*`),
        `Grants on the table cover its indexes as "<table arn>/index/*": ${LOOKUP_INDEX} (order lookup by store and order number), ${OUTBOX_INDEX} (legacy stored events not yet queued, unsettled participation claims) and ${TIMERS_INDEX} (orders due at a time).`,
      );
    }
    return grant;
  }
}
