/**
 * Reads the synthesized CloudFormation template and turns it into what the local runtime runs:
 * the state machine as plain ASL, which handler module serves each Task state and API route,
 * the queue, table and event source settings, and each function's environment.
 *
 * Everything comes from the template, never from a second description of the app, so the local
 * run cannot drift from what `cdk synth` deploys.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';
import type { StateMachineDefinition } from 'aws-local-stepfunctions';

/** CloudFormation metadata key naming a function's entry module (`functions/<entry>.ts`). */
export const ENTRY_METADATA_KEY = 'postpurchase:entry';

export const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

export interface CfnResource {
  Type: string;
  Properties?: Record<string, unknown>;
  Metadata?: Record<string, unknown>;
  Condition?: string;
}

export interface CfnTemplate {
  Resources: Record<string, CfnResource>;
  Parameters?: Record<string, { Default?: unknown; Type?: string }>;
  Conditions?: Record<string, unknown>;
  Mappings?: Record<string, Record<string, Record<string, unknown>>>;
}

// ---------------------------------------------------------------------------------------------
// Loading

export interface LoadTemplateOptions {
  /** A synthesized `*.template.json` to read instead of synthesizing. */
  templatePath?: string;
  /** An already loaded template (tests). */
  template?: CfnTemplate;
  /** Where the CDK app lives. @default the repository root */
  projectRoot?: string;
  /**
   * Where an in-process synth is cached, keyed by a hash of the app's sources (synth takes
   * seconds; restarts with unchanged sources skip it). `false` disables it.
   * @default <projectRoot>/.local/cache
   */
  cacheDir?: string | false;
}

/**
 * The template to run: a given object, a given file, or an in-process synth through the app
 * builder that lib/ exports (bundling skipped), falling back to `cdk.out/` when there is none.
 */
export async function loadTemplate(options: LoadTemplateOptions = {}): Promise<CfnTemplate> {
  if (options.template) return options.template;
  if (options.templatePath) return readTemplateFile(options.templatePath);
  const root = options.projectRoot ?? PROJECT_ROOT;
  const cacheDir = options.cacheDir === false ? undefined : (options.cacheDir ?? join(root, '.local', 'cache'));
  const cacheFile = cacheDir ? join(cacheDir, `template-${sourceHash(root)}.json`) : undefined;
  if (cacheFile && existsSync(cacheFile)) return readTemplateFile(cacheFile);
  const synthesized = await synthesizeInProcess(root);
  if (synthesized) {
    if (cacheDir && cacheFile) {
      mkdirSync(cacheDir, { recursive: true });
      for (const old of readdirSync(cacheDir).filter((f) => /^template-[0-9a-f]+\.json$/.test(f) && join(cacheDir, f) !== cacheFile)) {
        rmSync(join(cacheDir, old), { force: true });
      }
      // Written whole then renamed: a parallel test worker may read it at any moment.
      const partial = `${cacheFile}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
      writeFileSync(partial, JSON.stringify(synthesized));
      renameSync(partial, cacheFile);
    }
    return synthesized;
  }
  const fromCdkOut = findCdkOutTemplate(root);
  if (fromCdkOut) return readTemplateFile(fromCdkOut);
  throw new Error(
    'No template to run: lib/ exports no app builder (buildApp/synthesize) yet and cdk.out/ holds no template with a state machine. ' +
      'Run `npx cdk synth` or pass --template <path>.',
  );
}

/** Everything a synth depends on: the app's sources, its configuration and the locked dependencies. */
function sourceHash(root: string): string {
  const hash = createHash('sha256');
  const visit = (path: string) => {
    if (!existsSync(path)) return;
    if (statSync(path).isDirectory()) {
      for (const entry of readdirSync(path).sort()) if (entry !== 'node_modules') visit(join(path, entry));
    } else if (/\.(ts|json)$/.test(path)) {
      hash.update(path.slice(root.length)).update(readFileSync(path));
    }
  };
  for (const p of ['bin', 'lib', 'functions', 'config', 'cdk.json', 'package-lock.json']) visit(join(root, p));
  return hash.digest('hex').slice(0, 16);
}

function readTemplateFile(path: string): CfnTemplate {
  const parsed = JSON.parse(readFileSync(path, 'utf8')) as CfnTemplate;
  if (!parsed.Resources) throw new Error(`${path} is not a CloudFormation template (no Resources)`);
  return parsed;
}

function findCdkOutTemplate(root: string): string | undefined {
  const dir = join(root, 'cdk.out');
  if (!existsSync(dir)) return undefined;
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.template.json'))) {
    const path = join(dir, file);
    const t = readTemplateFile(path);
    if (Object.values(t.Resources).some((r) => r.Type === 'AWS::StepFunctions::StateMachine')) return path;
  }
  return undefined;
}

/** Module files and export names tried, in order, for the lib's in-process synth entry. */
const APP_MODULES = ['lib/app.ts', 'lib/synth.ts', 'lib/index.ts', 'lib/build-app.ts'];
const APP_EXPORTS = ['synthesize', 'synthTemplate', 'buildApp', 'createApp'];

const BUNDLING_SKIPPED = { 'aws:cdk:bundling-stacks': [] as string[] };

async function synthesizeInProcess(root: string): Promise<CfnTemplate | undefined> {
  for (const rel of APP_MODULES) {
    const file = join(root, rel);
    if (!existsSync(file)) continue;
    const mod = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
    for (const name of APP_EXPORTS) {
      const fn = mod[name];
      if (typeof fn !== 'function') continue;
      const produced = await (fn as (arg?: unknown) => unknown)({ context: BUNDLING_SKIPPED });
      const template = templateFrom(produced);
      if (template) return template;
    }
  }
  return undefined;
}

/** Accepts what an app builder may return: a template, an App, a Stack, a CloudAssembly or a wrapper holding one. */
function templateFrom(value: unknown): CfnTemplate | undefined {
  if (!value || typeof value !== 'object') return undefined;
  const v = value as Record<string, unknown>;
  if (v.Resources && typeof v.Resources === 'object') return v as unknown as CfnTemplate;
  const hasStateMachine = (t: CfnTemplate) => Object.values(t.Resources).some((r) => r.Type === 'AWS::StepFunctions::StateMachine');
  if (Array.isArray(v.stacks)) {
    for (const s of v.stacks as Array<{ template?: CfnTemplate }>) if (s.template && hasStateMachine(s.template)) return s.template;
    return undefined;
  }
  if (typeof v.synth === 'function') return templateFrom((v.synth as () => unknown).call(v));
  for (const key of ['template', 'assembly', 'app', 'stack']) {
    if (key in v) {
      const inner = v[key];
      if (key === 'stack' && inner && typeof inner === 'object') {
        // A Stack: synthesize its App and pick that stack.
        const node = (inner as { node?: { root?: unknown } }).node;
        const stackName = (inner as { stackName?: string }).stackName;
        const root = node?.root as { synth?: () => { getStackByName(n: string): { template: CfnTemplate } } } | undefined;
        if (root?.synth && stackName) return root.synth().getStackByName(stackName).template;
      }
      const found = templateFrom(inner);
      if (found) return found;
    }
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Intrinsic functions

/** Values the resolver substitutes for what only exists once deployed. */
export interface ResolveContext {
  region: string;
  accountId: string;
  partition: string;
  urlSuffix: string;
  stackName: string;
  /** Local values by logical id that win over the placeholders (queue URLs, the API endpoint…). */
  refs?: Record<string, string>;
  /** Local values by `LogicalId.Attribute`. */
  attributes?: Record<string, string>;
}

export const DEFAULT_CONTEXT: ResolveContext = {
  region: 'us-east-1',
  accountId: '000000000000',
  partition: 'aws',
  urlSuffix: 'amazonaws.com',
  stackName: 'Local',
};

const NO_VALUE = Symbol('AWS::NoValue');

/** Names and ARNs a resource has once deployed, with placeholders derived from its logical id. */
export class TemplateResolver {
  readonly ctx: ResolveContext;
  private readonly resolving = new Set<string>();

  constructor(
    readonly template: CfnTemplate,
    ctx: Partial<ResolveContext> = {},
  ) {
    this.ctx = { ...DEFAULT_CONTEXT, ...ctx };
  }

  /** Replaces every intrinsic function in `value` by a plain value. */
  resolve(value: unknown): unknown {
    const out = this.walk(value);
    return out === NO_VALUE ? undefined : out;
  }

  resolveString(value: unknown, what: string): string {
    const out = this.resolve(value);
    if (typeof out !== 'string') throw new Error(`${what} does not resolve to a string: ${JSON.stringify(out)}`);
    return out;
  }

  private walk(value: unknown): unknown {
    if (Array.isArray(value)) return value.map((v) => this.walk(v)).filter((v) => v !== NO_VALUE);
    if (!value || typeof value !== 'object') return value;
    const obj = value as Record<string, unknown>;
    const keys = Object.keys(obj);
    if (keys.length === 1) {
      const key = keys[0]!;
      const arg = obj[key];
      switch (key) {
        case 'Ref':
          return this.ref(String(arg));
        case 'Fn::GetAtt': {
          const [id, ...attr] = Array.isArray(arg) ? (arg as unknown[]).map((a) => String(this.walk(a))) : String(arg).split('.');
          return this.getAtt(id!, attr.join('.'));
        }
        case 'Fn::Join': {
          const [delimiter, list] = arg as [string, unknown];
          const items = this.walk(list);
          if (!Array.isArray(items)) throw new Error(`Fn::Join of a non-list: ${JSON.stringify(items)}`);
          return items.map((i) => String(i)).join(delimiter);
        }
        case 'Fn::Sub':
          return this.sub(arg);
        case 'Fn::Select': {
          const [index, list] = arg as [unknown, unknown];
          const items = this.walk(list);
          const i = Number(this.walk(index));
          if (!Array.isArray(items) || !(i in items)) throw new Error(`Fn::Select index ${i} out of range`);
          return items[i];
        }
        case 'Fn::Split': {
          const [delimiter, source] = arg as [string, unknown];
          return String(this.walk(source)).split(delimiter);
        }
        case 'Fn::Base64':
          return Buffer.from(String(this.walk(arg))).toString('base64');
        case 'Fn::GetAZs':
          return ['a', 'b', 'c'].map((z) => `${this.ctx.region}${z}`);
        case 'Fn::FindInMap': {
          const [map, top, second] = (arg as unknown[]).map((a) => String(this.walk(a)));
          return this.template.Mappings?.[map!]?.[top!]?.[second!];
        }
        case 'Fn::If': {
          const [condition, whenTrue, whenFalse] = arg as [string, unknown, unknown];
          return this.walk(this.condition(condition) ? whenTrue : whenFalse);
        }
        case 'Fn::ImportValue':
          return `import:${String(this.walk(arg))}`;
        default:
          break;
      }
    }
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(obj)) {
      const r = this.walk(v);
      if (r !== NO_VALUE) out[k] = r;
    }
    return out;
  }

  private sub(arg: unknown): string {
    const [text, vars] = Array.isArray(arg) ? (arg as [string, Record<string, unknown>]) : [String(arg), {}];
    return text.replace(/\$\{([^}]+)\}/g, (whole, name: string) => {
      if (name.startsWith('!')) return `\${${name.slice(1)}}`;
      if (name in vars) return String(this.walk(vars[name]));
      if (name.includes('.') && !name.startsWith('AWS::')) {
        const [id, ...attr] = name.split('.');
        return this.getAtt(id!, attr.join('.'));
      }
      const r = this.ref(name);
      return r === NO_VALUE ? whole : String(r);
    });
  }

  private condition(name: string): boolean {
    const evaluate = (c: unknown): boolean => {
      if (!c || typeof c !== 'object') return Boolean(c);
      const [[fn, a]] = Object.entries(c as Record<string, unknown>) as [[string, unknown]];
      const args = a as unknown[];
      switch (fn) {
        case 'Fn::Equals':
          return JSON.stringify(this.walk(args[0])) === JSON.stringify(this.walk(args[1]));
        case 'Fn::Not':
          return !evaluate(args[0]);
        case 'Fn::And':
          return args.every(evaluate);
        case 'Fn::Or':
          return args.some(evaluate);
        case 'Condition':
          return this.condition(String(a));
        default:
          throw new Error(`Unsupported condition function ${fn}`);
      }
    };
    const def = this.template.Conditions?.[name];
    if (def === undefined) throw new Error(`Unknown condition ${name}`);
    return evaluate(def);
  }

  ref(id: string): string | typeof NO_VALUE {
    const { ctx } = this;
    switch (id) {
      case 'AWS::Partition':
        return ctx.partition;
      case 'AWS::Region':
        return ctx.region;
      case 'AWS::AccountId':
        return ctx.accountId;
      case 'AWS::URLSuffix':
        return ctx.urlSuffix;
      case 'AWS::StackName':
        return ctx.stackName;
      case 'AWS::StackId':
        return `arn:${ctx.partition}:cloudformation:${ctx.region}:${ctx.accountId}:stack/${ctx.stackName}/00000000-0000-0000-0000-000000000000`;
      case 'AWS::NoValue':
        return NO_VALUE;
      case 'AWS::NotificationARNs':
        return '';
    }
    if (ctx.refs?.[id] !== undefined) return ctx.refs[id];
    const param = this.template.Parameters?.[id];
    if (param) return String(param.Default ?? '');
    const resource = this.template.Resources[id];
    if (!resource) throw new Error(`Ref to unknown logical id ${id}`);
    const name = this.physicalName(id);
    switch (resource.Type) {
      case 'AWS::SQS::Queue':
        return `https://sqs.${ctx.region}.${ctx.urlSuffix}/${ctx.accountId}/${name}`;
      case 'AWS::StepFunctions::StateMachine':
      case 'AWS::SNS::Topic':
      case 'AWS::SecretsManager::Secret':
        return this.arn(id);
      default:
        return name;
    }
  }

  getAtt(id: string, attribute: string): string {
    const key = `${id}.${attribute}`;
    if (this.ctx.attributes?.[key] !== undefined) return this.ctx.attributes[key];
    const resource = this.template.Resources[id];
    if (!resource) throw new Error(`Fn::GetAtt on unknown logical id ${id}`);
    if (attribute === 'Arn' || attribute.endsWith('Arn')) {
      if (attribute === 'StreamArn') return `${this.arn(id)}/stream/1970-01-01T00:00:00.000`;
      return this.arn(id);
    }
    const name = this.physicalName(id);
    switch (attribute) {
      case 'QueueUrl':
        return String(this.ref(id));
      case 'QueueName':
      case 'Name':
      case 'TopicName':
        return name;
      case 'ApiEndpoint':
        return `https://${name.toLowerCase()}.execute-api.${this.ctx.region}.${this.ctx.urlSuffix}`;
      case 'ApiId':
        return name.toLowerCase();
      default:
        return `${name}.${attribute}`;
    }
  }

  /** The deployed name: the resource's own name property when it sets one, else its logical id. */
  physicalName(id: string): string {
    const resource = this.template.Resources[id];
    const props = resource?.Properties ?? {};
    const nameProp = {
      'AWS::SQS::Queue': 'QueueName',
      'AWS::DynamoDB::Table': 'TableName',
      'AWS::DynamoDB::GlobalTable': 'TableName',
      'AWS::Lambda::Function': 'FunctionName',
      'AWS::StepFunctions::StateMachine': 'StateMachineName',
      'AWS::SNS::Topic': 'TopicName',
      'AWS::SES::ConfigurationSet': 'Name',
      'AWS::SecretsManager::Secret': 'Name',
      'AWS::SSM::Parameter': 'Name',
      'AWS::IAM::Role': 'RoleName',
      'AWS::Logs::LogGroup': 'LogGroupName',
    }[resource?.Type ?? ''];
    if (nameProp && props[nameProp] !== undefined && !this.resolving.has(id)) {
      this.resolving.add(id);
      try {
        return String(this.resolve(props[nameProp]));
      } finally {
        this.resolving.delete(id);
      }
    }
    if (resource?.Type === 'AWS::SQS::Queue' && props.FifoQueue === true) return `${id}.fifo`;
    return id;
  }

  arn(id: string): string {
    const { partition, region, accountId } = this.ctx;
    const resource = this.template.Resources[id];
    if (!resource) throw new Error(`No resource ${id}`);
    const name = this.physicalName(id);
    const base = (service: string, rest: string, r = region) => `arn:${partition}:${service}:${r}:${accountId}:${rest}`;
    switch (resource.Type) {
      case 'AWS::Lambda::Function':
        return base('lambda', `function:${name}`);
      case 'AWS::SQS::Queue':
        return base('sqs', name);
      case 'AWS::DynamoDB::Table':
      case 'AWS::DynamoDB::GlobalTable':
        return base('dynamodb', `table/${name}`);
      case 'AWS::StepFunctions::StateMachine':
        return base('states', `stateMachine:${name}`);
      case 'AWS::SNS::Topic':
        return base('sns', name);
      case 'AWS::SecretsManager::Secret':
        return base('secretsmanager', `secret:${name}-AbCdEf`);
      case 'AWS::SSM::Parameter':
        return base('ssm', `parameter/${name.replace(/^\//, '')}`);
      case 'AWS::IAM::Role':
        return `arn:${partition}:iam::${accountId}:role/${name}`;
      case 'AWS::Logs::LogGroup':
        return base('logs', `log-group:${name}:*`);
      case 'AWS::SES::ConfigurationSet':
        return base('ses', `configuration-set/${name}`);
      default: {
        const service = resource.Type.split('::')[1]?.toLowerCase() ?? 'unknown';
        return base(service, `${resource.Type.split('::')[2]?.toLowerCase() ?? 'resource'}/${name}`);
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------
// The app as the local runtime sees it

export type Integration = 'invoke' | 'waitForTaskToken' | 'direct';

export interface LocalFunction {
  logicalId: string;
  /** `functions/<entry>.ts` */
  entry: string;
  name: string;
  arn: string;
  timeoutSeconds: number;
  memoryMb: number;
  /** Environment.Variables with intrinsics resolved through the context. */
  env: Record<string, string>;
}

export interface TaskBinding {
  stateName: string;
  integration: Integration;
  functionLogicalId: string;
  entry: string;
}

export interface RouteBinding {
  routeKey: string;
  /** Upper case, or ANY. */
  method: string;
  /** `/webhooks/{store}`; `$default` for the catch-all route. */
  path: string;
  functionLogicalId: string;
  entry: string;
  /** A JWT authorizer in front of the route (API Gateway verifies the bearer token before the function runs). */
  authorizer?: { issuer: string; audience: string[]; identitySource: string[] };
}

export interface QueueDefinition {
  logicalId: string;
  name: string;
  url: string;
  arn: string;
  fifo: boolean;
  visibilityTimeoutSeconds: number;
  delaySeconds: number;
  deadLetter?: { arn: string; maxReceiveCount: number };
}

export interface EventSourceDefinition {
  queueArn: string;
  functionLogicalId: string;
  entry: string;
  batchSize: number;
  batchingWindowSeconds: number;
  reportBatchItemFailures: boolean;
  maximumConcurrency?: number;
}

/** A scheduled EventBridge rule (`rate(…)`) invoking a function. */
export interface ScheduleDefinition {
  logicalId: string;
  expression: string;
  /** The rate in (virtual) seconds. */
  periodSeconds: number;
  functionLogicalId: string;
  entry: string;
}

/** Seconds of a `rate(N unit)` schedule expression; undefined for cron() and anything else. */
export function ratePeriodSeconds(expression: string): number | undefined {
  const m = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/.exec(expression.trim());
  if (!m) return undefined;
  const unit = { minute: 60, minutes: 60, hour: 3600, hours: 3600, day: 86_400, days: 86_400 }[m[2] as 'minute'];
  return Number(m[1]) * unit;
}

export interface LocalApp {
  template: CfnTemplate;
  resolver: TemplateResolver;
  /** `type`: the machine's StateMachineType (EXPRESS or STANDARD, STANDARD when unset, as on AWS). */
  stateMachine: { logicalId: string; name: string; arn: string; definition: StateMachineDefinition; type: 'EXPRESS' | 'STANDARD' };
  tasks: Record<string, TaskBinding>;
  functions: Record<string, LocalFunction>;
  routes: RouteBinding[];
  queues: QueueDefinition[];
  eventSources: EventSourceDefinition[];
  schedules: ScheduleDefinition[];
  table?: CreateTableCommandInput;
  /** The function receiving SES event notifications (entry `ses-events`), if any. */
  sesEventsFunction?: LocalFunction;
  /**
   * How the SES events topic reaches that function: each subscription (through its events queue,
   * or to the function itself) with the event types its message-body filter policy lets through.
   */
  sesEventRoutes: SesEventRoute[];
  configurationSetName?: string;
}

export interface SesEventRoute {
  via: 'queue' | 'function';
  /** Whether an SES event of this type passes the subscription's filter policy (none: every type). */
  takes: (eventType: string) => boolean;
}

/**
 * A message-body filter policy on `eventType`, as SNS evaluates it: exact strings or one
 * `anything-but` list. The only shapes this app's subscriptions use; any other is refused, not
 * guessed at.
 */
export function eventTypeFilter(id: string, policy: unknown, scope: unknown): (eventType: string) => boolean {
  if (policy === undefined) return () => true;
  const keys = Object.keys(policy as object);
  const values = (policy as { eventType?: unknown }).eventType;
  if (scope !== 'MessageBody' || keys.length !== 1 || !Array.isArray(values)) throw new Error(`Subscription ${id}: the local runtime evaluates only a message-body filter policy on eventType, not ${JSON.stringify({ scope, policy })}`);
  const allow = values.filter((v): v is string => typeof v === 'string');
  const deny = values.flatMap((v) => (typeof v === 'object' && v && Array.isArray((v as Record<string, unknown>)['anything-but']) ? ((v as Record<string, string[]>)['anything-but'] as string[]) : []));
  if (allow.length + (deny.length ? 1 : 0) !== values.length) throw new Error(`Subscription ${id}: filter ${JSON.stringify(values)} is not strings or one anything-but list`);
  return (eventType) => allow.includes(eventType) || (deny.length > 0 && !deny.includes(eventType));
}

function ofType(template: CfnTemplate, ...types: string[]): Array<[string, CfnResource]> {
  return Object.entries(template.Resources).filter(([, r]) => types.includes(r.Type));
}

/** Reads everything the local runtime needs from a template; `ctx` supplies the local values. */
export function describeApp(template: CfnTemplate, ctx: Partial<ResolveContext> = {}): LocalApp {
  const resolver = new TemplateResolver(template, ctx);

  const functions: Record<string, LocalFunction> = {};
  for (const [id, r] of ofType(template, 'AWS::Lambda::Function')) {
    const entry = r.Metadata?.[ENTRY_METADATA_KEY];
    if (typeof entry !== 'string') continue; // CDK's own helper functions (log retention, custom resources)
    const props = r.Properties ?? {};
    const variables = resolver.resolve((props.Environment as { Variables?: unknown } | undefined)?.Variables ?? {}) as Record<string, unknown>;
    functions[id] = {
      logicalId: id,
      entry,
      name: resolver.physicalName(id),
      arn: resolver.arn(id),
      timeoutSeconds: Number(props.Timeout ?? 3),
      memoryMb: Number(props.MemorySize ?? 128),
      env: Object.fromEntries(Object.entries(variables).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)])),
    };
  }
  if (Object.keys(functions).length === 0) {
    throw new Error(`No AWS::Lambda::Function in the template carries the ${ENTRY_METADATA_KEY} metadata`);
  }

  // Any string that names a function (ARN, partial ARN or name) → its logical id.
  const functionByName = (ref: string, what: string): LocalFunction => {
    const m = /:function:([^:/]+)/.exec(ref);
    const name = m ? m[1]! : ref;
    const fn = Object.values(functions).find((f) => f.name === name || f.logicalId === name || f.arn === ref);
    if (!fn) throw new Error(`${what} points at "${ref}", which is no function with ${ENTRY_METADATA_KEY} metadata`);
    return fn;
  };

  const machines = ofType(template, 'AWS::StepFunctions::StateMachine');
  if (machines.length !== 1) throw new Error(`Expected exactly one AWS::StepFunctions::StateMachine, found ${machines.length}`);
  const [smId, sm] = machines[0]!;
  const smProps = sm.Properties ?? {};
  let definitionText = smProps.Definition
    ? JSON.stringify(resolver.resolve(smProps.Definition))
    : resolver.resolveString(smProps.DefinitionString, `${smId}.DefinitionString`);
  const substitutions = resolver.resolve(smProps.DefinitionSubstitutions ?? {}) as Record<string, unknown>;
  for (const [k, v] of Object.entries(substitutions)) definitionText = definitionText.split(`\${${k}}`).join(String(v));
  const definition = JSON.parse(definitionText) as StateMachineDefinition;

  const tasks: Record<string, TaskBinding> = {};
  const visit = (states: StateMachineDefinition['States']) => {
    for (const [stateName, state] of Object.entries(states)) {
      const s = state as unknown as Record<string, unknown>;
      if (s.Type === 'Parallel') for (const b of s.Branches as StateMachineDefinition[]) visit(b.States);
      if (s.Type === 'Map') visit(((s.ItemProcessor ?? s.Iterator) as StateMachineDefinition).States);
      if (s.Type !== 'Task') continue;
      const resource = String(s.Resource);
      const params = (s.Parameters ?? {}) as Record<string, unknown>;
      let integration: Integration;
      let target: string;
      if (/^arn:[^:]+:states:::lambda:invoke$/.test(resource)) integration = 'invoke';
      else if (/^arn:[^:]+:states:::lambda:invoke\.waitForTaskToken$/.test(resource)) integration = 'waitForTaskToken';
      else if (/^arn:[^:]+:lambda:/.test(resource)) integration = 'direct';
      else {
        // Without a local handler the interpreter would call the real service: refuse instead.
        throw new Error(
          `State ${stateName} uses ${resource}; the local runtime runs lambda:invoke, lambda:invoke.waitForTaskToken and Lambda ARN tasks only`,
        );
      }
      if (integration === 'direct') target = resource;
      else {
        if (typeof params.FunctionName !== 'string') {
          throw new Error(`State ${stateName} has no static Parameters.FunctionName (dynamic function names cannot be mapped to a module)`);
        }
        target = params.FunctionName;
      }
      const fn = functionByName(target, `State ${stateName}`);
      tasks[stateName] = { stateName, integration, functionLogicalId: fn.logicalId, entry: fn.entry };
    }
  };
  visit(definition.States);

  const routes: RouteBinding[] = [];
  for (const [id, r] of ofType(template, 'AWS::ApiGatewayV2::Route')) {
    const props = r.Properties ?? {};
    const routeKey = resolver.resolveString(props.RouteKey, `${id}.RouteKey`);
    const target = resolver.resolveString(props.Target, `${id}.Target`);
    const integrationId = target.replace(/^integrations\//, '');
    const integration = template.Resources[integrationId];
    if (!integration) throw new Error(`Route ${routeKey} targets unknown integration ${integrationId}`);
    const uri = resolver.resolveString(integration.Properties?.IntegrationUri, `${integrationId}.IntegrationUri`);
    const fn = functionByName(uri, `Route ${routeKey}`);
    const [method, path] = routeKey === '$default' ? ['ANY', '$default'] : routeKey.split(' ', 2);
    let authorizer: RouteBinding['authorizer'];
    if (props.AuthorizationType === 'JWT') {
      const authId = resolver.resolveString(props.AuthorizerId, `${id}.AuthorizerId`);
      const a = template.Resources[authId];
      const jwt = resolver.resolve(a?.Properties?.JwtConfiguration ?? {}) as { Issuer?: string; Audience?: string[] };
      if (!jwt.Issuer) throw new Error(`Route ${routeKey}: its JWT authorizer ${authId} has no issuer`);
      authorizer = { issuer: jwt.Issuer, audience: (jwt.Audience ?? []).map(String), identitySource: ((a?.Properties?.IdentitySource as string[] | undefined) ?? ['$request.header.Authorization']).map(String) };
    } else if (props.AuthorizationType && props.AuthorizationType !== 'NONE') {
      throw new Error(`Route ${routeKey}: the local runtime emulates JWT authorizers only, not ${String(props.AuthorizationType)}`);
    }
    routes.push({ routeKey, method: method!.toUpperCase(), path: path!, functionLogicalId: fn.logicalId, entry: fn.entry, ...(authorizer ? { authorizer } : {}) });
  }

  const queues: QueueDefinition[] = ofType(template, 'AWS::SQS::Queue').map(([id, r]) => {
    const props = r.Properties ?? {};
    const redrive = resolver.resolve(props.RedrivePolicy) as { deadLetterTargetArn?: string; maxReceiveCount?: number } | undefined;
    return {
      logicalId: id,
      name: resolver.physicalName(id),
      url: String(resolver.ref(id)),
      arn: resolver.arn(id),
      fifo: props.FifoQueue === true || props.FifoQueue === 'true',
      visibilityTimeoutSeconds: Number(props.VisibilityTimeout ?? 30),
      delaySeconds: Number(props.DelaySeconds ?? 0),
      deadLetter: redrive?.deadLetterTargetArn
        ? { arn: redrive.deadLetterTargetArn, maxReceiveCount: Number(redrive.maxReceiveCount ?? 5) }
        : undefined,
    };
  });

  const eventSources: EventSourceDefinition[] = [];
  for (const [id, r] of ofType(template, 'AWS::Lambda::EventSourceMapping')) {
    const props = r.Properties ?? {};
    const sourceArn = resolver.resolveString(props.EventSourceArn, `${id}.EventSourceArn`);
    if (!queues.some((q) => q.arn === sourceArn)) continue; // only SQS sources run locally
    const fn = functionByName(resolver.resolveString(props.FunctionName, `${id}.FunctionName`), `Event source ${id}`);
    // SES's events queue: the SES stand-in is topic and queue in one, delivering to ses-events
    // itself with the queue's redeliveries (local/ses.ts); nothing else sends to it.
    if (fn.entry === 'ses-events') continue;
    const scaling = props.ScalingConfig as { MaximumConcurrency?: number } | undefined;
    eventSources.push({
      queueArn: sourceArn,
      functionLogicalId: fn.logicalId,
      entry: fn.entry,
      batchSize: Number(props.BatchSize ?? 10),
      batchingWindowSeconds: Number(props.MaximumBatchingWindowInSeconds ?? 0),
      reportBatchItemFailures: ((props.FunctionResponseTypes as string[] | undefined) ?? []).includes('ReportBatchItemFailures'),
      maximumConcurrency: scaling?.MaximumConcurrency,
    });
  }

  const schedules: ScheduleDefinition[] = [];
  for (const [id, r] of ofType(template, 'AWS::Events::Rule')) {
    const props = r.Properties ?? {};
    if (typeof props.ScheduleExpression !== 'string' || (props.State !== undefined && props.State !== 'ENABLED')) continue;
    const periodSeconds = ratePeriodSeconds(props.ScheduleExpression);
    if (periodSeconds === undefined) throw new Error(`Rule ${id}: the local runtime runs rate() schedules only, not "${props.ScheduleExpression}"`);
    for (const target of (props.Targets as Array<{ Arn: unknown }> | undefined) ?? []) {
      const fn = functionByName(resolver.resolveString(target.Arn, `${id}.Targets.Arn`), `Rule ${id}`);
      schedules.push({ logicalId: id, expression: props.ScheduleExpression, periodSeconds, functionLogicalId: fn.logicalId, entry: fn.entry });
    }
  }

  const tables = ofType(template, 'AWS::DynamoDB::Table', 'AWS::DynamoDB::GlobalTable');
  if (tables.length > 1) throw new Error(`Expected at most one DynamoDB table, found ${tables.length}`);
  const table = tables[0] ? tableInput(resolver, tables[0][0], tables[0][1]) : undefined;

  const configurationSets = ofType(template, 'AWS::SES::ConfigurationSet');
  const sesEventsFunction = Object.values(functions).find((f) => f.entry === 'ses-events');
  // The queue that ses-events consumes, and the subscriptions that reach it or the function.
  const sesQueueArns = new Set(
    ofType(template, 'AWS::Lambda::EventSourceMapping').flatMap(([id, r]) =>
      functionByName(resolver.resolveString(r.Properties?.FunctionName, `${id}.FunctionName`), `Event source ${id}`).entry === 'ses-events' ? [resolver.resolveString(r.Properties?.EventSourceArn, `${id}.EventSourceArn`)] : [],
    ),
  );
  const sesEventRoutes: SesEventRoute[] = [];
  for (const [id, r] of ofType(template, 'AWS::SNS::Subscription')) {
    const props = r.Properties ?? {};
    const endpoint = resolver.resolveString(props.Endpoint, `${id}.Endpoint`);
    const via = props.Protocol === 'sqs' && sesQueueArns.has(endpoint) ? 'queue' : props.Protocol === 'lambda' && sesEventsFunction && endpoint === sesEventsFunction.arn ? 'function' : undefined;
    if (via) sesEventRoutes.push({ via, takes: eventTypeFilter(id, resolver.resolve(props.FilterPolicy), props.FilterPolicyScope) });
  }
  return {
    template,
    resolver,
    stateMachine: { logicalId: smId, name: resolver.physicalName(smId), arn: resolver.arn(smId), definition, type: smProps.StateMachineType === 'EXPRESS' ? 'EXPRESS' : 'STANDARD' },
    tasks,
    functions,
    routes,
    queues,
    eventSources,
    schedules,
    table,
    sesEventsFunction,
    sesEventRoutes,
    configurationSetName: configurationSets[0] ? resolver.physicalName(configurationSets[0][0]) : undefined,
  };
}

/** CreateTable input from the template's table: keys and indexes as defined; TTL is left out (dynalite has none). */
function tableInput(resolver: TemplateResolver, id: string, r: CfnResource): CreateTableCommandInput {
  const p = resolver.resolve(r.Properties ?? {}) as Record<string, unknown>;
  type Index = { IndexName: string; KeySchema: unknown; Projection: unknown };
  const index = (i: Index) => ({ IndexName: i.IndexName, KeySchema: i.KeySchema, Projection: i.Projection });
  return {
    TableName: resolver.physicalName(id),
    AttributeDefinitions: p.AttributeDefinitions,
    KeySchema: p.KeySchema,
    BillingMode: 'PAY_PER_REQUEST',
    GlobalSecondaryIndexes: (p.GlobalSecondaryIndexes as Index[] | undefined)?.map(index),
    LocalSecondaryIndexes: (p.LocalSecondaryIndexes as Index[] | undefined)?.map(index),
  } as CreateTableCommandInput;
}
