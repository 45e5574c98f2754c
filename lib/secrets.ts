import { RemovalPolicy } from 'aws-cdk-lib';
import type * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import type { ResolvedWebhookSecret } from './config.js';

export interface GeneratedSecretProps {
  /** Physical name, so operators can find and rotate it by name. */
  readonly secretName: string;
  readonly description: string;
  /** @default 48 */
  readonly length?: number;
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

  constructor(scope: Construct, id: string, props: GeneratedSecretProps) {
    super(scope, id);
    this.secret = new secretsmanager.Secret(this, 'Secret', {
      secretName: props.secretName,
      description: props.description,
      generateSecretString: { passwordLength: props.length ?? 48, excludePunctuation: true, includeSpace: false },
      removalPolicy: props.removalPolicy ?? RemovalPolicy.DESTROY,
    });
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
