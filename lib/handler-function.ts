import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Duration, RemovalPolicy, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { LogLevel, NodejsFunction, OutputFormat, SourceMapMode } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { acknowledge } from './nag.js';

/** The Lambda entries under functions/, one per file. */
export const ENTRY_NAMES = ['ingest', 'router', 'notify', 'timers', 'referrals', 'ses-events', 'pages', 'reviews', 'outbox', 'console'] as const;
export type EntryName = (typeof ENTRY_NAMES)[number];

/** CloudFormation metadata key naming a function's entry; the local runtime maps logical ids to modules by it. */
export const ENTRY_METADATA_KEY = 'postpurchase:entry';

/** Namespace and service name shared by the Powertools logger, tracer and metrics of every function. */
export const POWERTOOLS_NAMESPACE = 'postpurchase';

/** Lambda's limit on the total size of a function's environment variables (keys and values). */
export const LAMBDA_ENV_LIMIT_BYTES = 4096;
/** Size assumed at synth for a value only known at deploy time (an ARN, a URL, a name). */
const TOKEN_SIZE_ESTIMATE = 160;

const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

export interface HandlerFunctionProps {
  /** Which entry to bundle: `functions/<entryName>.ts`, exporting `handler`. */
  readonly entryName: EntryName;
  /** @default Duration.seconds(10) */
  readonly timeout?: Duration;
  /** @default 512 (arm64: more memory also buys CPU, which shortens cold starts) */
  readonly memorySize?: number;
  /** @default logs.RetentionDays.THREE_MONTHS */
  readonly logRetention?: logs.RetentionDays;
  /** Extra environment; bind/grant methods of other constructs add theirs. @default - team defaults only */
  readonly environment?: Record<string, string>;
  /** @default - "postpurchase <entryName>" */
  readonly description?: string;
  /** @default - no reserved concurrency */
  readonly reservedConcurrentExecutions?: number;
  /** Where `functions/` and package-lock.json live. @default - the repository root */
  readonly projectRoot?: string;
  /** Files (relative to the project root) copied into `assets/` beside the bundle, which the function serves. @default - none */
  readonly assetFiles?: readonly string[];
  /**
   * Native packages installed beside the bundle instead of bundled (sharp's prebuilt libvips),
   * for Lambda's linux/arm64. @default - none
   */
  readonly nodeModules?: string[];
}

/** What the console function serves itself (functions/services/console/assets.ts): uPlot and its own script and styles. */
export const CONSOLE_ASSET_FILES = [
  'node_modules/uplot/dist/uPlot.iife.min.js',
  'node_modules/uplot/dist/uPlot.min.css',
  'functions/console/assets/charts.js',
  'functions/console/assets/console.css',
] as const;

/**
 * The team's Lambda defaults in one place: Node.js 24 on arm64, ESM bundle with a `require`
 * shim for CommonJS dependencies, minified with source maps, X-Ray active, JSON logs into a
 * log group with a retention, and a role that may write only to that log group (no
 * AWSLambdaBasicExecutionRole, whose log permissions cover every group in the account).
 */
export class HandlerFunction extends NodejsFunction {
  readonly entryName: EntryName;
  /** Function timeout, kept so event sources can size visibility timeouts from it. */
  override readonly timeout: Duration;
  private detachedGrantee?: iam.IRole;

  constructor(scope: Construct, id: string, props: HandlerFunctionProps) {
    const root = props.projectRoot ?? PROJECT_ROOT;
    const timeout = props.timeout ?? Duration.seconds(10);
    // The role and log group are created beside the function (a subclass cannot create
    // children before super()); the role gets log write access on this group only.
    const logGroup = new logs.LogGroup(scope, `${id}Logs`, {
      retention: props.logRetention ?? logs.RetentionDays.THREE_MONTHS,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const role = new iam.Role(scope, `${id}Role`, {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `postpurchase ${props.entryName} function`,
    });
    logGroup.grantWrite(role);

    super(scope, id, {
      entry: join(root, 'functions', `${props.entryName}.ts`),
      handler: 'handler',
      projectRoot: root,
      depsLockFilePath: join(root, 'package-lock.json'),
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.memorySize ?? 512,
      timeout,
      description: props.description ?? `postpurchase ${props.entryName}`,
      role,
      logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
      applicationLogLevelV2: lambda.ApplicationLogLevel.INFO,
      systemLogLevelV2: lambda.SystemLogLevel.WARN,
      tracing: lambda.Tracing.ACTIVE,
      reservedConcurrentExecutions: props.reservedConcurrentExecutions,
      // The SDK v3 reuses connections by default; the v2-era variable is noise.
      awsSdkConnectionReuse: false,
      environment: {
        NODE_OPTIONS: '--enable-source-maps',
        POWERTOOLS_SERVICE_NAME: POWERTOOLS_NAMESPACE,
        POWERTOOLS_METRICS_NAMESPACE: POWERTOOLS_NAMESPACE,
        // Responses carry shopper addresses and order contents: keep them out of traces.
        POWERTOOLS_TRACER_CAPTURE_RESPONSE: 'false',
        ...props.environment,
      },
      bundling: {
        format: OutputFormat.ESM,
        target: 'node24',
        mainFields: ['module', 'main'],
        minify: true,
        sourceMap: true,
        sourceMapMode: SourceMapMode.DEFAULT,
        sourcesContent: false,
        logLevel: LogLevel.WARNING,
        // sharp is loaded on demand (functions/adapters/photos.ts) and is native: never bundled.
        externalModules: ['@aws-sdk/*', 'sharp'],
        ...(props.nodeModules?.length
          ? {
              nodeModules: props.nodeModules,
              // npm picks optional platform packages (@img/sharp-linux-arm64) by these, not by the build machine.
              environment: { npm_config_os: 'linux', npm_config_cpu: 'arm64', npm_config_libc: 'glibc' },
            }
          : {}),
        // CommonJS dependencies bundled into ESM still call require(): give them one.
        banner: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
        ...(props.assetFiles?.length
          ? {
              commandHooks: {
                beforeBundling: () => [],
                beforeInstall: () => [],
                afterBundling: (inputDir: string, outputDir: string) => [
                  `mkdir -p "${outputDir}/assets"`,
                  ...props.assetFiles!.map((f) => `cp "${inputDir}/${f}" "${outputDir}/assets/"`),
                ],
              },
            }
          : {}),
      },
    });

    this.entryName = props.entryName;
    this.timeout = timeout;
    (this.node.defaultChild as lambda.CfnFunction).addMetadata(ENTRY_METADATA_KEY, props.entryName);

    acknowledge(
      role,
      'AwsSolutions-IAM5[Resource::*]',
      'Only xray:PutTraceSegments and xray:PutTelemetryRecords (added by Tracing.ACTIVE) use Resource "*": X-Ray has no resource-level permissions for them.',
    );
    this.node.addValidation({ validate: () => this.validateEnvironmentSize() });
  }

  /**
   * A grantee whose grants land in a policy of their own attached to this function's role,
   * instead of the role's default policy. The function depends on its default policy, so a
   * grant there on a resource that itself references the function (a state machine that
   * invokes it) would be a dependency cycle.
   */
  grantsOutsideDefaultPolicy(): iam.IGrantable {
    this.detachedGrantee ??= iam.Role.fromRoleName(this.node.scope as Construct, `${this.node.id}DetachedGrants`, this.role!.roleName, {
      mutable: true,
    });
    return this.detachedGrantee;
  }

  /** Estimated size of the environment; values known only at deploy time count as {@link TOKEN_SIZE_ESTIMATE}. */
  environmentSizeEstimate(): number {
    const env = (this.node.defaultChild as lambda.CfnFunction).environment as
      | { variables?: Record<string, string> }
      | undefined;
    // Lambda.Function keeps its environment privately and renders it lazily; read it from the
    // resolved CloudFormation instead so every addEnvironment() call is counted.
    const variables = (this.stack.resolve(env) as { Variables?: Record<string, unknown> } | undefined)?.Variables ?? {};
    let size = 0;
    for (const [key, value] of Object.entries(variables)) {
      size += Buffer.byteLength(key);
      size += typeof value === 'string' && !Token.isUnresolved(value) ? Buffer.byteLength(value) : TOKEN_SIZE_ESTIMATE;
    }
    return size;
  }

  private validateEnvironmentSize(): string[] {
    const size = this.environmentSizeEstimate();
    if (size <= LAMBDA_ENV_LIMIT_BYTES) return [];
    return [
      `The environment of the ${this.entryName} function is about ${size} bytes, over Lambda's ${LAMBDA_ENV_LIMIT_BYTES}-byte limit ` +
        `(deploy-time values counted as ${TOKEN_SIZE_ESTIMATE} bytes each). The STORES variable is usually the cause: ` +
        'configure fewer stores per deployment or shorten their branding and holiday lists.',
    ];
  }
}
