import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { ENV } from '../functions/adapters/env.js';
import { acknowledge, wildcardResourceFinding } from './nag.js';

export interface PhotoBucketProps {
  /** Days a photo is kept, like the review's order data. */
  readonly retentionDays: number;
  /** @default RemovalPolicy.RETAIN — shoppers' photos outlive the stack; delete them deliberately */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * Review photos: private (no public access; the pages function serves a photo only while its
 * review is published), encrypted, TLS only, expiring with the retention period. Photos stored
 * here are re-encoded copies without the uploads' metadata (functions/adapters/photos.ts).
 */
export class PhotoBucket extends Construct {
  readonly bucket: s3.Bucket;

  constructor(scope: Construct, id: string, props: PhotoBucketProps) {
    super(scope, id);
    this.bucket = new s3.Bucket(this, 'Bucket', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      lifecycleRules: [{ expiration: Duration.days(props.retentionDays), abortIncompleteMultipartUploadAfter: Duration.days(1) }],
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    });
    acknowledge(
      this.bucket,
      'AwsSolutions-S1',
      'Only the pages function reads and writes this bucket, and each of its requests is in its own logs and the API access log; S3 server access logs would add a second bucket of logs about the same requests.',
    );
  }

  /** Lets the function store and read photos, and tells it the bucket (PHOTO_BUCKET). */
  bindTo(fn: lambda.Function): iam.Grant {
    fn.addEnvironment(ENV.photoBucket, this.bucket.bucketName);
    // Exactly the two object actions the function uses: the bucket's grant methods add wildcard
    // actions (s3:GetObject*, s3:Abort*, s3:List*) this project keeps out of every policy.
    const grant = iam.Grant.addToPrincipal({ grantee: fn, actions: ['s3:GetObject', 's3:PutObject'], resourceArns: [this.bucket.arnForObjects('*')] });
    if (fn.role) {
      acknowledge(
        fn.role,
        wildcardResourceFinding(this, this.bucket.arnForObjects('*')),
        'Photos are objects of this one bucket, keyed by store and review: "<bucket arn>/*" is the bucket\'s objects, not other buckets.',
      );
    }
    return grant;
  }
}
