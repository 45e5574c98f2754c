/**
 * Builds the CDK app in-process: used by bin/app.ts (the `cdk` CLI), by the CDK tests and by
 * the local runtime, which reads the synthesized template to map logical ids to handlers.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { App, Validations, type Environment } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { loadStackConfig, parseStackConfig, type StackConfig, type StackConfigInput } from './config.js';
import { PostpurchaseStack } from './postpurchase-stack.js';

const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Config used when neither the options nor the context (`-c config=…`) name one. */
export const DEFAULT_CONFIG_FILE = resolve(PROJECT_ROOT, 'config/dev.json');

/** CDK's context key listing the stacks to bundle assets for; empty skips esbuild entirely. */
export const BUNDLING_STACKS_CONTEXT = 'aws:cdk:bundling-stacks';
/** Our context key for the CLI (which refuses user context keys starting with "aws:"): `-c bundle=false`. */
export const BUNDLE_CONTEXT = 'bundle';

export interface BuildAppOptions {
  /**
   * A config file path (relative to the working directory) or a config object.
   * @default - the `config` context value, else config/dev.json
   */
  readonly config?: string | StackConfigInput;
  /** Skip bundling the Lambda entries (tests, the local runtime). @default - bundle unless `-c bundle=false` */
  readonly skipBundling?: boolean;
  /** @default - CDK_DEFAULT_ACCOUNT / CDK_DEFAULT_REGION when set, else environment-agnostic */
  readonly env?: Environment;
  /**
   * Run the cdk-nag AwsSolutions checks as a synth-time validation plugin.
   * @default - when the `nag` context value is true
   */
  readonly nag?: boolean;
  /** More context, e.g. feature flags. @default - none */
  readonly context?: Record<string, unknown>;
  /** @default - CDK_OUTDIR, else a temporary directory */
  readonly outdir?: string;
}

export interface BuiltApp {
  readonly app: App;
  readonly stack: PostpurchaseStack;
  readonly config: StackConfig;
}

export function buildApp(options: BuildAppOptions = {}): BuiltApp {
  // cdk.json's context (feature flags, default config) applies in-process too, so tests and the
  // local runtime synthesize what `cdk synth` does; the CLI's own context still takes precedence.
  const context: Record<string, unknown> = { ...projectContext(), ...options.context };
  const app = new App({ context, outdir: options.outdir });
  // Set after construction: the CLI passes its own bundling-stacks context, which would win.
  const bundleContext = app.node.tryGetContext(BUNDLE_CONTEXT) as unknown;
  if (options.skipBundling ?? (bundleContext === false || bundleContext === 'false')) {
    app.node.setContext(BUNDLING_STACKS_CONTEXT, []);
  }

  const source = options.config ?? (app.node.tryGetContext('config') as string | StackConfigInput | undefined) ?? DEFAULT_CONFIG_FILE;
  const config = typeof source === 'string' ? loadStackConfig(source) : parseStackConfig(source, 'config object');

  const env = options.env ?? defaultEnv();
  const stack = new PostpurchaseStack(app, config.stackName, { config, env });

  const nagContext = app.node.tryGetContext('nag') as unknown;
  if (options.nag ?? (nagContext === true || nagContext === 'true')) {
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  }
  return { app, stack, config };
}

/** Synthesizes with bundling skipped and returns the stack's CloudFormation template. */
export function synthTemplate(options: Omit<BuildAppOptions, 'skipBundling'> = {}): Record<string, unknown> {
  const { app, stack } = buildApp({ ...options, skipBundling: true });
  return app.synth().getStackByName(stack.stackName).template as Record<string, unknown>;
}

function projectContext(): Record<string, unknown> {
  const json = JSON.parse(readFileSync(resolve(PROJECT_ROOT, 'cdk.json'), 'utf8')) as { context?: Record<string, unknown> };
  const context = { ...json.context };
  // A relative config path in cdk.json is relative to the project, not the caller's directory.
  if (typeof context.config === 'string') context.config = resolve(PROJECT_ROOT, context.config);
  return context;
}

function defaultEnv(): Environment | undefined {
  const account = process.env.CDK_DEFAULT_ACCOUNT;
  const region = process.env.CDK_DEFAULT_REGION;
  return account || region ? { account, region } : undefined;
}
