import { RemovalPolicy } from 'aws-cdk-lib';
import type * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import type { ResolvedWebhookSecret } from './config.js';
import { acknowledge } from './nag.js';

export interface GeneratedSecretProps {
  /** Physical name, so operators can find and rotate it by name. */
  readonly secretName: string;
  readonly description: string;
  /** @default 48 */
  readonly length?: number;
  /** Why the secret has no rotation Lambda, and how it is rotated instead (recorded with the cdk-nag acknowledgement). */
  readonly rotationReason: string;
  /**
   * @default RemovalPolicy.DESTROY — the value is regenerated on a new deployment; links and
   * tokens signed with the old one stop verifying
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * A Secrets Manager secret whose first value is generated at deploy time (letters and digits
 * only, so it is valid as-is as a raw string, a URL parameter and a base64 key). Its value may be
 * replaced by a JSON array of strings to rotate: readers accept every value in the array.
 */
export class GeneratedSecret extends Construct {
  readonly secret: secretsmanager.Secret;
  /** The physical name (a plain string, unlike `secret.secretName`, which is parsed from the ARN). */
  readonly secretName: string;

  constructor(scope: Construct, id: string, props: GeneratedSecretProps) {
    super(scope, id);
    this.secretName = props.secretName;
    this.secret = new secretsmanager.Secret(this, 'Secret', {
      secretName: props.secretName,
      description: props.description,
      generateSecretString: { passwordLength: props.length ?? 48, excludePunctuation: true, includeSpace: false },
      removalPolicy: props.removalPolicy ?? RemovalPolicy.DESTROY,
    });
    acknowledge(this.secret, 'AwsSolutions-SMG4', props.rotationReason);
  }

  /** Grants a function read access and puts the secret's ARN in `envName`. */
  bindReader(fn: lambda.Function, envName: string): iam.Grant {
    fn.addEnvironment(envName, this.secret.secretArn);
    return this.secret.grantRead(fn);
  }
}

export interface WebhookSecretsProps {
  /** One entry per store, from `resolveWebhookSecrets(config)`. */
  readonly secrets: readonly ResolvedWebhookSecret[];
  /** @default RemovalPolicy.DESTROY — the platform's signing key can be fetched from it again */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * Each store's webhook signing secret(s). The stack creates a secret (with a random value, so
 * nothing verifies until the real key is stored) unless the config names an existing one.
 * The value is the platform's key, or a JSON array of keys while one is being rotated.
 */
export class WebhookSecrets extends Construct {
  private readonly byStore = new Map<string, secretsmanager.ISecret>();

  constructor(scope: Construct, id: string, props: WebhookSecretsProps) {
    super(scope, id);
    props.secrets.forEach((entry, i) => {
      const secret = entry.create
        ? new secretsmanager.Secret(this, `Store${i}`, {
            secretName: entry.secretName,
            description: `postpurchase webhook signing key(s) of ${entry.storeId}: the platform's secret, or a JSON array of them during rotation`,
            // 32 base64-alphabet characters: usable unchanged as a Standard Webhooks key.
            generateSecretString: { passwordLength: 32, excludePunctuation: true, includeSpace: false },
            removalPolicy: props.removalPolicy ?? RemovalPolicy.DESTROY,
          })
        : secretsmanager.Secret.fromSecretNameV2(this, `Store${i}`, entry.secretName);
      if (secret instanceof secretsmanager.Secret) {
        acknowledge(
          secret,
          'AwsSolutions-SMG4',
          "The value is the platform's webhook signing key, issued by Shopify or the sender, not by us: a rotation Lambda cannot create it. " +
            'Rotation is manual and overlapping: store a JSON array with the new and old keys, switch the platform, then drop the old key (docs/DEPLOY.md).',
        );
      }
      this.byStore.set(entry.storeId, secret);
    });
  }

  /** The secrets of every store, in config order. */
  get secrets(): secretsmanager.ISecret[] {
    return [...this.byStore.values()];
  }

  secretFor(storeId: string): secretsmanager.ISecret {
    const secret = this.byStore.get(storeId);
    if (!secret) throw new Error(`No webhook secret for store "${storeId}"`);
    return secret;
  }

  /**
   * Grants a function read access to every store's webhook secret. Their names reach the
   * function inside STORES (`webhookSecretName`), set by the stack.
   */
  grantRead(fn: iam.IGrantable): void {
    for (const secret of this.byStore.values()) secret.grantRead(fn);
  }
}
