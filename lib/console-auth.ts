import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { ENV } from '../functions/adapters/env.js';
import { OPS_GROUP, storeGroup } from '../functions/domain/console/access.js';
import { acknowledge } from './nag.js';

export interface ConsoleUserPoolProps {
  /** Canonical ids of the configured stores: one group `store:<id>` each. */
  readonly storeIds: readonly string[];
  /**
   * What happens to the pool (the merchants' accounts) when the stack is deleted.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
  /** How long a console session lasts (the access token's validity; no refresh). @default Duration.hours(1) */
  readonly sessionDuration?: Duration;
}

/**
 * Who may sign in to the merchant console: a Cognito user pool with no self sign-up (an admin
 * creates one user per merchant, see docs/DEPLOY.md), one group per configured store
 * (`store:<id>`) and `ops` for every store, and one public app client for the console's
 * username-and-password sign-in. Groups rather than a custom attribute, because Cognito puts
 * `cognito:groups` in the access token, which is what the API's JWT authorizer reads; custom
 * attributes are only in the ID token.
 */
export class ConsoleUserPool extends Construct {
  readonly userPool: cognito.UserPool;
  readonly client: cognito.UserPoolClient;
  /** Group name per store id, and the ops group. */
  readonly groups: Readonly<Record<string, cognito.CfnUserPoolGroup>>;

  constructor(scope: Construct, id: string, props: ConsoleUserPoolProps) {
    super(scope, id);
    this.userPool = new cognito.UserPool(this, 'UserPool', {
      selfSignUpEnabled: false,
      // Usernames are the merchant's email address, given by the admin who creates the user.
      signInAliases: { username: true },
      signInCaseSensitive: false,
      standardAttributes: { email: { required: true, mutable: true } },
      passwordPolicy: {
        minLength: 12,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
      },
      mfa: cognito.Mfa.OPTIONAL,
      mfaSecondFactor: { otp: true, sms: false },
      accountRecovery: cognito.AccountRecovery.EMAIL_ONLY,
      deletionProtection: true,
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    });
    const session = props.sessionDuration ?? Duration.hours(1);
    this.client = this.userPool.addClient('ConsoleClient', {
      userPoolClientName: 'merchant-console',
      // The console's own sign-in form: no hosted UI, no client secret (the function holds none).
      authFlows: { userPassword: true, userSrp: true },
      generateSecret: false,
      accessTokenValidity: session,
      idTokenValidity: session,
      refreshTokenValidity: Duration.hours(Math.max(1, session.toHours())),
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
    });
    const groups: Record<string, cognito.CfnUserPoolGroup> = {
      [OPS_GROUP]: new cognito.CfnUserPoolGroup(this, 'OpsGroup', {
        userPoolId: this.userPool.userPoolId,
        groupName: OPS_GROUP,
        description: 'Ops: every store of this deployment',
      }),
    };
    props.storeIds.forEach((storeId, i) => {
      groups[storeId] = new cognito.CfnUserPoolGroup(this, `StoreGroup${i}`, {
        userPoolId: this.userPool.userPoolId,
        groupName: storeGroup(storeId),
        description: `Merchants of ${storeId}`.slice(0, 2048),
      });
    });
    this.groups = groups;

    acknowledge(
      this.userPool,
      'AwsSolutions-COG2',
      'MFA is OPTIONAL (TOTP only): merchants are created by an admin, who can require it per user; a REQUIRED setting would block the first sign-in of every merchant until an authenticator is enrolled, which the console does not offer yet (docs/DEPLOY.md says how to enrol one).',
    );
    acknowledge(
      this.userPool,
      'AwsSolutions-COG8',
      'The Plus feature plan (threat protection, billed per monthly active user) is not used for a pool of a few admin-created merchant accounts with no self sign-up; the password policy, token revocation on sign-out and optional TOTP MFA protect it instead.',
    );
    acknowledge(
      this.userPool,
      'AwsSolutions-COG3',
      'Threat protection (advanced security) needs the Plus feature plan, billed per monthly active user; a pool of a few admin-created merchant accounts with no self sign-up is protected by the password policy, token revocation and optional MFA instead.',
    );
  }

  /** Sets the pool and client ids a function verifies console tokens and signs merchants in with. */
  bindTo(fn: lambda.Function): void {
    fn.addEnvironment(ENV.consoleUserPoolId, this.userPool.userPoolId);
    fn.addEnvironment(ENV.consoleClientId, this.client.userPoolClientId);
  }
}
