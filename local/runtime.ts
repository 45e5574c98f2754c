/**
 * The local runtime: the synthesized app on one machine. It takes everything from the
 * CloudFormation template (state machine, routes, queue, table, function environments), starts
 * the stand-ins (dynalite, aws-ses-v2-local behind a proxy, the local Step Functions and SQS
 * endpoints), points the handlers' SDK clients at them purely through environment variables set
 * before any handler is imported, and serves the HTTP API routes plus a few `/_local` pages.
 *
 * Handler modules are imported once per process and keep their module-scope SDK clients, so one
 * runtime runs per process at a time; a restart in the same process (tests) reuses the previous
 * endpoints' ports so those clients stay valid.
 */
import { createHmac, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { join, resolve } from 'node:path';
import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  QueryCommand,
  ResourceNotFoundException,
  type DescribeTableCommandOutput,
} from '@aws-sdk/client-dynamodb';
import type { SNSEvent, SQSEvent } from 'aws-lambda';
import { closeServer, listen, readBody } from './aws-json.js';
import { acquireDataDirLock } from './data-dir-lock.js';
import { startDynamoDb } from './dynamodb.js';
import { Router, apiGatewayEvent, writeApiGatewayResult, writeJson } from './http.js';
import { LambdaInvoker, type HandlerModule, type LambdaStats } from './lambda.js';
import { Outbox, type Email } from './outbox.js';
import { renderOutboxPage } from './outbox-page.js';
import { LocalSes, type SesEventType, type SesStats } from './ses.js';
import { startLocalS3 } from './s3.js';
import { LocalSqs, type SqsStats } from './sqs.js';
import { LocalSchedules } from './schedules.js';
import { LocalStepFunctions, type ExecutionRecord, type HistoryEvent, type StepFunctionsStats } from './step-functions.js';
import { describeApp, loadTemplate, PROJECT_ROOT, type CfnTemplate, type LocalApp } from './template.js';
import { ensurePromiseWithResolvers, realSetTimeout } from './timers.js';
import { localStores, withShops, type LocalStoreInfo } from './shops.js';
import { CaptureWriter, capturedHeaders } from './captures.js';
import { DEV_SECRETS } from './dev-secrets.js';
import { LocalClock, type ClockState } from './clock.js';
import { installCheckpointHook, installHostClock } from '../functions/adapters/host-hooks.js';
import { OUTBOX_INDEX, OUTBOX_PENDING, OUTBOX_PENDING_MAIL, TIMERS_INDEX, TIMER_SHARDS } from '../functions/adapters/keys.js';
import { removeOrphanIndexEntries } from './index-repair.js';
import { CrashInjector, type CrashPlan, type CrashRecord } from './faults.js';
import { createServer } from 'node:http';
import { DEFAULT_CLAIM_SETTLE_SECONDS } from '../functions/services/notify.js';
import { canonicalStoreId, inferredPlatform, type Platform } from '../functions/domain/store-id.js';
import { startLocalCognito, type DevLogin, type LocalCognito } from './cognito.js';
import { JwtAuthorizer } from './jwt-authorizer.js';

/**
 * Shortest local settle window, in real seconds. The window is how long an unsettled ledger claim
 * waits for SES's Send event before notify takes it over; SES's event latency is what it covers.
 * Locally the window is scaled like every other wait, so a crashed send is retried within the
 * virtual minutes it would take on AWS, but never below the stand-in's own event latency on a
 * loaded machine. 2 s was too short: with both cores busy (the CI suite plus a second job), the
 * resilience run's Send events and notify's records came later than that, the take-over sent
 * again, and receipts, confirmations and notices went out twice (2 December, reproduced with two
 * busy loops beside `tests/integration/resilience.test.ts`, before and after enqueue-first; at 6 s
 * it passes under the same load).
 */
export const LOCAL_SETTLE_FLOOR_SECONDS = 6;

/**
 * Background invocations (queue batches, state machine tasks, schedules; not SES events) that run
 * at once while the HTTP API is answering, in real-time runs (local/lambda.ts yieldToFrontDoor).
 * None: on one event loop every batch the router runs mid-burst is CPU the acknowledgements wait
 * for (at 1, the burst's p99 was 4.2–5.2× the parse-and-verify baseline; at 0, 2.7–3.8×, 3 December
 * 2026, docs/BENCHMARKS.md 3b). The invoker's wait bound (backgroundMaxWaitMs, 2 s) keeps a burst
 * that never ends from starving the work behind it.
 * Time-scaled and manual-clock runs (the tests) keep every invocation running at once: there a
 * real millisecond of waiting is virtual seconds, and latency is not what they measure.
 */
export const BACKGROUND_WHILE_ANSWERING = 0;

export interface LocalFaults {
  /** Probability that SES answers SendEmail with 429 before accepting it. */
  sesThrottleRate?: number;
  /** Probability that SES accepts an email but the caller gets a 500 (crash after accept). */
  lostResponseRate?: number;
  /** Probability that a function invoked by the state machine or SQS fails with Lambda.Unknown before running. */
  lambdaCrashRate?: number;
  /** Probability that StartExecution answers ThrottlingException (the account's StartExecution bucket is empty). */
  startExecutionThrottleRate?: number;
  /** Probability that SQS refuses SendMessage(Batch) with a 500, queuing nothing (the SDK's retries included, so 1 refuses every send). */
  sqsSendFailureRate?: number;
}

export interface LocalOptions {
  /** @default env PORT or 3000; 0 picks a free port */
  port?: number;
  /** Where data survives restarts. @default .local/data */
  dataDir?: string;
  /** Keep nothing on disk. @default false */
  inMemory?: boolean;
  /** Virtual seconds per real second. @default env TIME_SCALE or 1 */
  timeScale?: number;
  /**
   * Virtual time stands still until {@link LocalRuntime.advanceTime} (or `POST /_local/clock/advance`)
   * moves it, firing the deadlines it passes in order: tests that must not depend on machine load.
   * @default false
   */
  manualClock?: boolean;
  /** Crashes at named step boundaries (local/faults.ts); each plan fires once. @default none */
  crashPlans?: CrashPlan[];
  /** @default env SHOPIFY_WEBHOOK_SECRET or a printed development default */
  shopifySecret?: string;
  /** A Standard Webhooks secret (`whsec_…`). @default env WEBHOOK_SECRET or a printed development default */
  webhookSecret?: string;
  /**
   * Shopify shops (`<shop>.myshopify.com`, canonical: see local/shops.ts parseShops) to accept
   * besides the configured stores, verified with the Shopify secret, with default branding.
   */
  shops?: string[];
  /** Capture every webhook received (raw body, headers, answer) as a file here, for `npm run replay`. @default none */
  captureDir?: string;
  faults?: LocalFaults;
  /** Source of randomness for fault injection and retry jitter (seed it for repeatable benchmarks). @default Math.random */
  random?: () => number;
  log?: (line: string) => void;
  /** A synthesized template file to run instead of synthesizing in-process. */
  templatePath?: string;
  /** A template object to run (tests). */
  template?: CfnTemplate;
  /** Handler module per entry, instead of `functions/<entry>.ts` (tests). */
  handlers?: Record<string, string | HandlerModule>;
  /** Where functions/ and lib/ live. @default the repository root */
  projectRoot?: string;
  /**
   * How long the SQS event source gathers a batch. The template's window (scaled) is capped at
   * 100 ms by default so local runs stay responsive; pass a number to set it exactly.
   */
  sqsBatchingWindowMs?: number;
  /** Background invocations that run at once while the HTTP API answers. @default BACKGROUND_WHILE_ANSWERING at time scale 1, else no limit */
  backgroundWhileAnswering?: number;
  /** When the SES stand-in publishes each email's Send event (local/ses.ts `sendEvent`). @default 'before-answer' */
  sesSendEvent?: 'before-answer' | 'after-answer';
}

export interface LocalSecrets {
  shopifyWebhookSecret: string;
  webhookSecret: string;
  linkSigningSecret: string;
  opsToken: string;
  /** Which secrets were development defaults rather than configured. */
  defaults: string[];
}

export interface LocalStats {
  stateTransitions: number;
  /** State transitions plus retries, as Step Functions Standard bills them. */
  billedTransitions: number;
  retries: number;
  executions: StepFunctionsStats['executions'];
  /** StartExecution calls answered ThrottlingException by the injected fault. */
  startExecutionThrottled: number;
  /** Express executions started (billed per request). */
  expressRequests: number;
  /** Their billed duration: each execution's real ms rounded up to 100 ms (billed at 64 MB). */
  expressBilledMs: number;
  lambdaInvocations: LambdaStats['invocations'];
  lambdaErrors: LambdaStats['errors'];
  injectedCrashes: number;
  durations: LambdaStats['durations'];
  /** Background invocations that waited for the HTTP API's answers (BACKGROUND_WHILE_ANSWERING). */
  frontDoor: LambdaStats['frontDoor'];
  /** Of lambdaInvocations, the scheduled rules' runs per entry, with their summed duration. */
  scheduled: LambdaStats['scheduled'];
  sqs: SqsStats;
  /** Runs of scheduled rules (the outbox sweeper) and how many failed. */
  schedules: { runs: number; failures: number };
  ses: SesStats;
  http: { requests: number; byRoute: Record<string, number> };
  outbox: number;
}

export interface LocalRuntime {
  /** `http://127.0.0.1:<port>` */
  url: string;
  /** Endpoints of the stand-ins (as set in AWS_ENDPOINT_URL_*). */
  endpoints: { dynamodb: string; sfn: string; sqs: string; sesv2: string; s3: string };
  /** The environment every handler sees. */
  env: Record<string, string>;
  secrets: LocalSecrets;
  /** The console's user pool on cognito-local, and the development logins it holds. */
  cognito: { url: string; userPoolId: string; clientId: string; issuer: string; logins: DevLogin[] };
  /** Every store accepted, with the endpoint and secret that authenticate it. */
  stores: LocalStoreInfo[];
  /** Where received webhooks are captured, if anywhere. */
  captureDir?: string;
  /** What was taken from the template. */
  app: LocalApp;
  clock: { scale: number; origin: number; /** Set when the clock is manual (startLocal({ manualClock: true })). */ readonly manual?: boolean; now(): Date };
  /**
   * Manual clock only: moves virtual time forward, firing each deadline it passes at its own
   * instant and waiting for the runtime to be idle after each. Resolves with the deadlines fired.
   */
  advanceTime(virtualMs: number): Promise<number>;
  /** Crashes injected so far (in this process). */
  crashes(): CrashRecord[];
  /** Adds crash plans while running. */
  addCrashPlans(plans: CrashPlan[]): void;
  outbox(): Promise<Email[]>;
  clearOutbox(): void;
  executions(): ExecutionRecord[];
  execution(name: string): (ExecutionRecord & { history: HistoryEvent[] }) | undefined;
  stats(): LocalStats;
  replayDeadLetters(): number;
  simulateBounce(messageId: string): Promise<void>;
  simulateComplaint(messageId: string): Promise<void>;
  setFaults(faults: LocalFaults): void;
  /**
   * Resolves once nothing is queued or running (waiting executions aside). With `outbox`, also
   * once no stored event waits in the event outbox for the sweeper: only items an earlier version
   * left there (ingest now queues first and writes nothing to it); that takes the sweeper's grace, real time.
   */
  whenIdle(options?: { timeoutMs?: number; outbox?: boolean }): Promise<void>;
  /** Stored events in the event outbox (left by an earlier version): not yet queued for the router (the sweeper queues them after its grace). */
  outboxEvents(): Promise<number>;
  /** Resumed on start: executions recorded as running by the previous process. */
  resumed: string[];
  stop(): Promise<void>;
}

const REGION = 'us-east-1';
const ACCOUNT = '000000000000';

export { DEV_SECRETS } from './dev-secrets.js';

let activeRuntime = false;
/** Ports of the last runtime in this process: handler modules stay loaded, with clients bound to them. */
let lastPorts: Record<string, number> = {};

export async function startLocal(options: LocalOptions = {}): Promise<LocalRuntime> {
  if (activeRuntime) {
    throw new Error('A local runtime is already running in this process: handler modules and their SDK clients are shared per process');
  }
  activeRuntime = true;
  const cleanup: Array<() => Promise<void> | void> = [];
  try {
    return await start(options, cleanup);
  } catch (e) {
    for (const c of cleanup.reverse()) await c();
    activeRuntime = false;
    throw e;
  }
}

async function start(options: LocalOptions, cleanup: Array<() => Promise<void> | void>): Promise<LocalRuntime> {
  ensurePromiseWithResolvers();
  const log = options.log ?? (() => undefined);
  const inMemory = options.inMemory ?? false;
  const dataDir = resolve(options.dataDir ?? join(options.projectRoot ?? PROJECT_ROOT, '.local', 'data'));
  if (!inMemory) mkdirSync(dataDir, { recursive: true });
  // Before anything opens a file in it: dynalite's LevelDB admits one process per directory.
  const lock = inMemory ? undefined : acquireDataDirLock(dataDir);
  if (lock) cleanup.push(() => lock.release());
  const file = (name: string) => (inMemory ? undefined : join(dataDir, name));
  const timeScale = options.timeScale ?? (process.env.TIME_SCALE ? Number(process.env.TIME_SCALE) : 1);
  if (!(timeScale > 0) || !Number.isFinite(timeScale)) throw new Error(`timeScale must be a positive number, got ${timeScale}`);
  const requestedPort = options.port ?? (process.env.PORT ? Number(process.env.PORT) : 3000);
  const faults: LocalFaults = { ...options.faults };

  const template = await loadTemplate({ template: options.template, templatePath: options.templatePath, projectRoot: options.projectRoot });

  // Ports: reused from the previous run when free, so that clients created by an earlier
  // runtime in this process keep working after a restart.
  const portsFile = file('ports.json');
  const previousPorts = {
    ...((portsFile && existsSync(portsFile) ? JSON.parse(readFileSync(portsFile, 'utf8')) : {}) as Record<string, number>),
    ...lastPorts,
  };
  const listenReusing = async (server: Server, name: string, wanted?: number): Promise<string> => {
    const preferred = wanted ?? previousPorts[name] ?? 0;
    try {
      return await listen(server, preferred);
    } catch (e) {
      if (wanted !== undefined && wanted !== 0) throw new Error(`Port ${wanted} is taken (${(e as Error).message}); pass --port or set PORT`);
      return listen(server, 0);
    }
  };

  // The main server first: its URL goes into the handlers' environment.
  let handleRequest: (req: IncomingMessage, res: ServerResponse) => Promise<void> = async (_req, res) => writeJson(res, 503, { message: 'Starting' });
  const main = createServer((req, res) => void handleRequest(req, res));
  main.keepAliveTimeout = 1000;
  const url = await listenReusing(main, 'main', requestedPort === 0 ? undefined : requestedPort);
  cleanup.push(() => closeServer(main));
  lock?.setUrl(url);

  // On a thread of its own: dynalite was a fifth of the one event loop's time under a burst.
  const dynamo = await startDynamoDb({ createTableMs: 0, ...(inMemory ? {} : { path: join(dataDir, 'dynamodb') }) }, previousPorts.dynamodb);
  const dynamoUrl = dynamo.url;
  cleanup.push(() => dynamo.close());

  // Placeholder servers get their listeners once the app is described (they need queue URLs).
  let sfnListener: (req: IncomingMessage, res: ServerResponse) => void = (_q, s) => writeJson(s, 503, { message: 'Starting' });
  let sqsListener: (req: IncomingMessage, res: ServerResponse) => void = (_q, s) => writeJson(s, 503, { message: 'Starting' });
  const sfnServer = createServer((q, s) => sfnListener(q, s));
  const sqsServer = createServer((q, s) => sqsListener(q, s));
  sfnServer.keepAliveTimeout = sqsServer.keepAliveTimeout = 1000;
  const sfnUrl = await listenReusing(sfnServer, 'sfn');
  cleanup.push(() => closeServer(sfnServer));
  const sqsUrl = await listenReusing(sqsServer, 'sqs');
  cleanup.push(() => closeServer(sqsServer));

  // Describe the app with local values for what only exists once deployed.
  const draft = describeApp(template);
  const refs: Record<string, string> = {};
  // The console's user pool: cognito-local stands in, its pool and client ids stand in for the template's.
  // The development merchant gets a generic store first (its webhooks are the easiest to send by hand).
  const storeIds = storesOfEnv(Object.values(draft.functions).find((f) => f.env.STORES)?.env.STORES)
    .sort((a, b) => Number(a.platform !== 'generic') - Number(b.platform !== 'generic'))
    .map((s) => s.storeId);
  const cognito: LocalCognito = await startLocalCognito({ dataDir: inMemory ? undefined : join(dataDir, 'cognito'), port: previousPorts.cognito, storeIds });
  cleanup.push(() => cognito.close());
  for (const [id, r] of Object.entries(template.Resources)) {
    if (r.Type === 'AWS::Cognito::UserPool') refs[id] = cognito.userPoolId;
    if (r.Type === 'AWS::Cognito::UserPoolClient') refs[id] = cognito.clientId;
  }
  const attributes: Record<string, string> = {};
  for (const q of draft.queues) {
    refs[q.logicalId] = attributes[`${q.logicalId}.QueueUrl`] = `${sqsUrl}/${ACCOUNT}/${q.name}`;
  }
  for (const [id, r] of Object.entries(template.Resources)) {
    if (r.Type === 'AWS::ApiGatewayV2::Api') attributes[`${id}.ApiEndpoint`] = url;
  }
  const app = describeApp(template, { region: REGION, accountId: ACCOUNT, refs, attributes });

  const outbox = new Outbox(file('outbox.jsonl'));
  const crashes = new CrashInjector(options.crashPlans ?? [], { logFile: file('crashes.jsonl'), log });
  installCheckpointHook(crashes.hook);
  cleanup.push(() => installCheckpointHook(undefined));
  const invoker = new LambdaInvoker({
    functions: app.functions,
    modules: options.handlers,
    projectRoot: options.projectRoot,
    crashRate: faults.lambdaCrashRate,
    random: options.random,
    backgroundWhileBusy: options.backgroundWhileAnswering ?? (timeScale === 1 && !options.manualClock ? BACKGROUND_WHILE_ANSWERING : undefined),
    log,
  });
  const sesEvents = app.sesEventsFunction;
  // The settle window of the handlers (CLAIM_SETTLE_SECONDS below); SES retries its events past it.
  const templateSettle = Object.values(app.functions).map((f) => f.env.CLAIM_SETTLE_SECONDS).find((v) => v !== undefined);
  const settleSeconds = Math.max(LOCAL_SETTLE_FLOOR_SECONDS, Number(templateSettle ?? DEFAULT_CLAIM_SETTLE_SECONDS) / timeScale);
  const ses = await LocalSes.start({
    settleWindowMs: settleSeconds * 1000,
    sendEvent: options.sesSendEvent,
    outbox,
    configurationSetName: app.configurationSetName,
    faults,
    timeScale,
    random: options.random,
    region: REGION,
    accountId: ACCOUNT,
    port: previousPorts.ses,
    log,
    now: () => clock.now(),
    afterAccept: crashes.sesAfterAccept,
    sendEventsFile: file('ses-send-events.txt'),
    deliverEvent: sesEvents ? (event: SQSEvent | SNSEvent) => invoker.invoke(sesEvents.logicalId, event, 'sns') : undefined,
    // The topic's subscriptions, by their filter policies (lib/mailer.ts): Delivery events to the
    // function, the rest through the queue. A template with the function and no topic (the test
    // fixture's) gets every event as through a queue.
    ...(app.sesEventRoutes.length ? { routeOf: (eventType: SesEventType) => app.sesEventRoutes.filter((r) => r.takes(eventType)).map((r) => r.via) } : {}),
  });
  cleanup.push(() => ses.close());
  // Review photos: s3rver, kept in the data directory like the table.
  const s3 = await startLocalS3({ dataDir: inMemory ? undefined : join(dataDir, 's3'), port: previousPorts.s3, accessKeyId: 'local', secretAccessKey: 'local' });
  cleanup.push(() => s3.close());

  // The virtual clock's origin persists, rebased when the scale changes, so that the handlers'
  // time runs on continuously across restarts (functions/adapters/clock.ts reads it).
  const clockFile = file('clock.json');
  const now = Date.now();
  let origin = now;
  let manualNow: number | undefined = options.manualClock ? now : undefined;
  if (clockFile && existsSync(clockFile)) {
    const prev = JSON.parse(readFileSync(clockFile, 'utf8')) as ClockState;
    const virtualNow = prev.manualNow ?? (prev.scale === 1 ? now : prev.origin + (now - prev.origin) * prev.scale);
    origin = timeScale === 1 ? now : prev.scale === timeScale && prev.manualNow === undefined ? prev.origin : (virtualNow - now * timeScale) / (1 - timeScale);
    if (options.manualClock) manualNow = virtualNow;
  }
  const clock = new LocalClock({ origin, scale: timeScale, manualNow });
  const saveClock = () => clockFile && writeFileSync(clockFile, JSON.stringify(clock.state()));
  saveClock();
  // Every handler in this process reads this clock (functions/adapters/clock.ts).
  installHostClock(() => clock.nowMs());
  cleanup.push(() => installHostClock(undefined));

  // The handlers' environment: every function's template environment (local values resolved),
  // then the local endpoints and secrets.
  const secrets = resolveSecrets(options);
  const env: Record<string, string> = {};
  for (const fn of Object.values(app.functions)) {
    for (const [k, v] of Object.entries(fn.env)) {
      if (env[k] !== undefined && env[k] !== v) log(`[env] ${k} differs between functions; all functions see the value of ${fn.entry}`);
      env[k] = v;
    }
  }
  const shops = withShops(env.STORES, options.shops ?? []);
  if (options.shops?.length) env.STORES = shops.storesJson;
  Object.assign(env, {
    AWS_REGION: REGION,
    AWS_DEFAULT_REGION: REGION,
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_ENDPOINT_URL_DYNAMODB: dynamoUrl,
    AWS_ENDPOINT_URL_SESV2: ses.url,
    AWS_ENDPOINT_URL_SFN: sfnUrl,
    AWS_ENDPOINT_URL_SQS: sqsUrl,
    AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER: cognito.url,
    CONSOLE_ISSUER: cognito.issuer,
    AWS_ENDPOINT_URL_S3: s3.url,
    PHOTO_BUCKET: s3.bucket,
    // Any other service answers "not available locally" instead of reaching real AWS.
    AWS_ENDPOINT_URL: `${url}/_local/aws-unavailable`,
    PUBLIC_BASE_URL: url,
    TIME_SCALE: String(timeScale),
    TIME_ORIGIN: String(Math.round(origin)),
    CLAIM_SETTLE_SECONDS: String(settleSeconds),
    LINK_SIGNING_SECRET: secrets.linkSigningSecret,
    OPS_TOKEN: secrets.opsToken,
    LOCAL_WEBHOOK_SECRETS: JSON.stringify(webhookSecretsByStore(env.STORES, secrets)),
    // Unknown stores are told how to add one here (--shop) rather than on AWS.
    STORE_SETUP: 'local',
    POWERTOOLS_TRACE_ENABLED: 'false',
    POWERTOOLS_METRICS_DISABLED: process.env.POWERTOOLS_METRICS_DISABLED ?? 'true',
  });
  const saved = new Map<string, string | undefined>();
  for (const k of [...Object.keys(env), 'AWS_SESSION_TOKEN', 'AWS_PROFILE']) saved.set(k, process.env[k]);
  delete process.env.AWS_SESSION_TOKEN;
  delete process.env.AWS_PROFILE;
  Object.assign(process.env, env);
  cleanup.push(() => {
    for (const [k, v] of saved) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  });

  if (app.table) {
    // A table just created has nothing a SIGKILL could have torn.
    const table = await ensureTable(dynamoUrl, app.table, log);
    if (!inMemory && table === 'existing') await repairOutboxIndex(dynamoUrl, app.table, log);
  }
  // SES still owes the Send events of messages a killed runtime accepted: they settle those
  // claims before any execution resumes and retries a send.
  await ses.redeliverPending();

  const sfn = new LocalStepFunctions({
    definition: app.stateMachine.definition,
    stateMachineArn: app.stateMachine.arn,
    tasks: app.tasks,
    timeScale,
    realTimeExecutionTimeout: app.stateMachine.type === 'EXPRESS',
    clock,
    recordFile: file('executions.jsonl'),
    random: options.random,
    startExecutionThrottleRate: faults.startExecutionThrottleRate,
    invoke: (id, payload) => invoker.invoke(id, payload, 'states'),
    log,
  });
  sfnListener = sfn.listener;
  cleanup.push(() => sfn.close());
  const sqs = new LocalSqs({
    queues: app.queues,
    eventSources: app.eventSources,
    timeScale,
    region: REGION,
    snapshotFile: file('sqs.json'),
    batchingWindowMs: options.sqsBatchingWindowMs,
    sendFailureRate: faults.sqsSendFailureRate,
    random: options.random,
    maxBatchingWindowMs: 100,
    invoke: (id, event: SQSEvent) => invoker.invoke(id, event, 'sqs'),
    log,
  });
  sqsListener = sqs.listener;
  cleanup.push(() => sqs.close());
  // Scheduled rules (the outbox sweeper) on the virtual clock.
  const schedules = new LocalSchedules({
    schedules: app.schedules,
    invoke: (id, event) => invoker.invoke(id, event, 'events'),
    timeScale,
    region: REGION,
    accountId: ACCOUNT,
    now: () => clock.now(),
    log,
  });
  cleanup.push(() => schedules.close());

  const port = (u: string) => Number(new URL(u).port);
  lastPorts = { main: port(url), dynamodb: port(dynamoUrl), sfn: port(sfnUrl), sqs: port(sqsUrl), ses: port(ses.url), cognito: port(cognito.url), s3: port(s3.url) };
  if (portsFile) writeFileSync(portsFile, JSON.stringify(lastPorts));
  for (const missing of invoker.missingModules()) log(`[lambda] handler module not found (yet): ${missing}`);

  const router = new Router(app.routes);
  // API Gateway's JWT authorizer, in front of the routes the template puts behind one.
  const authorizer = new JwtAuthorizer({ region: REGION, userPoolId: cognito.userPoolId, localIssuer: cognito.issuer });
  const captures = options.captureDir ? new CaptureWriter(resolve(options.captureDir)) : undefined;
  const capture = (req: IncomingMessage, path: string, body: Buffer, answer: unknown) => {
    if (!captures) return;
    try {
      const r = (answer ?? {}) as { statusCode?: number; body?: string };
      let answerBody: unknown = r.body;
      try {
        answerBody = typeof r.body === 'string' ? JSON.parse(r.body) : r.body;
      } catch {
        /* kept as text */
      }
      captures.write({
        capturedAt: new Date().toISOString(),
        endpoint: path.endsWith('/shopify') ? 'shopify' : 'generic',
        path,
        headers: capturedHeaders(req.headers),
        body: body.toString('utf8'),
        answer: { status: Number(r.statusCode) || 500, body: answerBody },
      });
    } catch (e) {
      log(`[captures] not captured: ${e instanceof Error ? e.message : String(e)}`);
    }
  };
  const httpStats = { requests: 0, byRoute: {} as Record<string, number> };
  const stats = (): LocalStats => {
    const s = sfn.stats();
    const l = invoker.stats();
    return {
      stateTransitions: s.stateTransitions,
      billedTransitions: s.billedTransitions,
      retries: s.retries,
      executions: s.executions,
      startExecutionThrottled: s.startExecutionThrottled,
      expressRequests: s.expressRequests,
      expressBilledMs: s.expressBilledMs,
      lambdaInvocations: l.invocations,
      lambdaErrors: l.errors,
      injectedCrashes: l.injectedCrashes,
      durations: l.durations,
      frontDoor: l.frontDoor,
      scheduled: l.scheduled,
      sqs: sqs.stats(),
      schedules: schedules.stats(),
      ses: ses.stats(),
      http: { requests: httpStats.requests, byRoute: { ...httpStats.byRoute } },
      outbox: outbox.size,
    };
  };

  const local = async (req: IncomingMessage, res: ServerResponse, path: string, query: URLSearchParams): Promise<void> => {
    const method = req.method ?? 'GET';
    if (path.startsWith('/_local/aws-unavailable')) {
      const target = String(req.headers['x-amz-target'] ?? `${method} ${path.slice('/_local/aws-unavailable'.length) || '/'}`);
      log(`[aws] a handler called ${target}, which has no local stand-in`);
      res.writeHead(400, { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-errortype': 'NotAvailableLocally' });
      res.end(JSON.stringify({ __type: 'NotAvailableLocally', message: `${target}: this AWS service has no stand-in in the local runtime` }));
      return;
    }
    if (path === '/_local/previews' || path.startsWith('/_local/previews/')) {
      // Every email kind in every language from sample data (the same as `npm run preview:emails`).
      const { renderAllPreviews, previewIndexHtml, previewFileName } = await import('../scripts/preview-emails.js');
      const previews = renderAllPreviews();
      const file = path.slice('/_local/previews/'.length);
      if (path === '/_local/previews') {
        res.writeHead(301, { location: '/_local/previews/' });
        res.end();
        return;
      }
      const found = previews.flatMap((p) => [
        { name: previewFileName(p, 'html'), type: 'text/html; charset=utf-8', body: p.rendered.html },
        { name: previewFileName(p, 'txt'), type: 'text/plain; charset=utf-8', body: p.rendered.text },
      ]).find((f) => f.name === file);
      const body = file === '' ? previewIndexHtml(previews) : found?.body;
      res.writeHead(body === undefined ? 404 : 200, { 'content-type': file === '' ? 'text/html; charset=utf-8' : (found?.type ?? 'text/plain') });
      res.end(body ?? 'no such preview');
      return;
    }
    if (path === '/_local/idle' && method === 'GET') {
      // Answers once nothing is queued or running (executions waiting on a deadline aside).
      try {
        await runtime.whenIdle({ timeoutMs: Number(query.get('timeoutMs') ?? 60_000), outbox: query.get('outbox') === '1' });
        return writeJson(res, 200, { idle: true });
      } catch (e) {
        return writeJson(res, 503, { idle: false, message: e instanceof Error ? e.message : String(e) });
      }
    }
    if (path === '/_local/clock' && method === 'GET') return writeJson(res, 200, { now: clock.now().toISOString(), scale: clock.scale, manual: clock.manual });
    if (path === '/_local/clock/advance' && method === 'POST') {
      const body = JSON.parse((await readBody(req)).toString('utf8') || '{}') as { seconds?: number; days?: number };
      const ms = ((body.seconds ?? 0) + (body.days ?? 0) * 86_400) * 1000;
      if (!clock.manual) return writeJson(res, 409, { message: 'The clock is not manual: start with --manual-clock' });
      if (!(ms >= 0) || !Number.isFinite(ms)) return writeJson(res, 400, { message: 'seconds or days: a non-negative number' });
      const fired = await runtime.advanceTime(ms);
      return writeJson(res, 200, { now: clock.now().toISOString(), fired });
    }
    if (path === '/_local/health') return writeJson(res, 200, { status: 'ok', url, timeScale, virtualNow: clock.now().toISOString(), executions: sfn.stats().executions });
    if (path === '/_local/outbox' && method === 'GET') {
      const accept = String(req.headers.accept ?? '');
      if (/text\/html/.test(accept) && !/^application\/json/.test(accept)) {
        const html = renderOutboxPage(outbox.list(), query.get('id') ?? undefined);
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-length': Buffer.byteLength(html) });
        res.end(html);
        return;
      }
      return writeJson(res, 200, { emails: outbox.list() });
    }
    if (path === '/_local/outbox/clear' && method === 'POST') {
      const cleared = outbox.size;
      outbox.clear();
      if (/text\/html/.test(String(req.headers.accept ?? ''))) {
        res.writeHead(303, { location: '/_local/outbox' });
        res.end();
        return;
      }
      return writeJson(res, 200, { cleared });
    }
    if (path === '/_local/executions') return writeJson(res, 200, { executions: sfn.executions() });
    if (path.startsWith('/_local/executions/')) {
      const e = sfn.execution(decodeURIComponent(path.slice('/_local/executions/'.length)));
      return e ? writeJson(res, 200, e) : writeJson(res, 404, { message: 'No such execution' });
    }
    if (path === '/_local/stats') return writeJson(res, 200, stats());
    if (path === '/_local/dlq' && method === 'GET') return writeJson(res, 200, { messages: sqs.deadLetters() });
    if (path === '/_local/dlq/replay' && method === 'POST') return writeJson(res, 200, { replayed: sqs.replayDeadLetters() });
    const signAndSend = /^\/_local\/webhooks\/(shopify|generic)$/.exec(path);
    if (signAndSend && method === 'POST') return relaySigned(req, res, signAndSend[1] as 'shopify' | 'generic', query);
    const sesAction = /^\/_local\/ses\/(bounce|complaint)$/.exec(path);
    if (sesAction && method === 'POST') {
      const body = JSON.parse((await readBody(req)).toString('utf8') || '{}') as { messageId?: string };
      if (!body.messageId || !outbox.get(body.messageId)) return writeJson(res, 404, { message: 'messageId of an email in the outbox required' });
      await (sesAction[1] === 'bounce' ? ses.simulateBounce(body.messageId) : ses.simulateComplaint(body.messageId));
      return writeJson(res, 200, { ok: true });
    }
    return writeJson(res, 404, { message: 'Not Found' });
  };

  /**
   * Development helper: signs a body with the local webhook secret and posts it to the real
   * webhook route, where ingest verifies it as usual. Saves computing HMACs by hand in a shell.
   */
  const relaySigned = async (req: IncomingMessage, res: ServerResponse, source: 'shopify' | 'generic', query: URLSearchParams): Promise<void> => {
    const route = app.routes.find((r) => r.method === 'POST' && (source === 'shopify' ? /shopify/.test(r.path) : !/shopify|\{/.test(r.path) && /webhook/.test(r.path)));
    if (!route) return writeJson(res, 404, { message: `The template has no ${source} webhook route` });
    const body = (await readBody(req)).toString('utf8');
    const id = `local_${randomUUID()}`;
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (source === 'shopify') {
      headers['x-shopify-topic'] = query.get('topic') ?? 'orders/create';
      headers['x-shopify-shop-domain'] = query.get('shop') ?? storesOfEnv(env.STORES).find((s) => s.platform === 'shopify')?.storeId ?? '';
      headers['x-shopify-webhook-id'] = headers['x-shopify-event-id'] = id;
      headers['x-shopify-triggered-at'] = new Date().toISOString();
      headers['x-shopify-hmac-sha256'] = createHmac('sha256', secrets.shopifyWebhookSecret).update(body, 'utf8').digest('base64');
    } else {
      const timestamp = String(Math.floor(Date.now() / 1000));
      const key = Buffer.from(secrets.webhookSecret.replace(/^whsec_/, ''), 'base64');
      headers['webhook-id'] = id;
      headers['webhook-timestamp'] = timestamp;
      headers['webhook-signature'] = `v1,${createHmac('sha256', key).update(`${id}.${timestamp}.${body}`, 'utf8').digest('base64')}`;
    }
    const answer = await fetch(`${url}${route.path}`, { method: 'POST', headers, body });
    const text = await answer.text();
    const retryAfter = answer.headers.get('retry-after');
    res.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'application/json', ...(retryAfter ? { 'retry-after': retryAfter } : {}) });
    res.end(text);
  };

  handleRequest = async (req, res) => {
    try {
      const parsed = new URL(req.url ?? '/', 'http://localhost');
      if (parsed.pathname.startsWith('/_local/')) return await local(req, res, parsed.pathname, parsed.searchParams);
      const match = router.match(req.method ?? 'GET', parsed.pathname);
      if (!match) return writeJson(res, 404, { message: 'Not Found' });
      httpStats.requests++;
      httpStats.byRoute[match.route.routeKey] = (httpStats.byRoute[match.route.routeKey] ?? 0) + 1;
      const body = await readBody(req);
      const event = apiGatewayEvent(req, body, match);
      if (match.route.authorizer) {
        const claims = await authorizer.authorize(match.route.authorizer, event.headers?.authorization);
        if (!claims) {
          res.writeHead(401, { 'content-type': 'application/json', 'www-authenticate': 'Bearer' });
          res.end('{"message":"Unauthorized"}');
          return;
        }
        (event.requestContext as unknown as Record<string, unknown>).authorizer = { jwt: { claims, scopes: null } };
      }
      const isWebhook = match.route.method === 'POST' && /webhook/.test(match.route.path);
      try {
        const result = await invoker.invoke(match.route.functionLogicalId, event, 'http');
        if (isWebhook) capture(req, parsed.pathname, body, result);
        writeApiGatewayResult(res, result);
      } catch (e) {
        log(`[http] ${match.route.routeKey} → ${match.route.entry} failed: ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`);
        if (isWebhook) capture(req, parsed.pathname, body, { statusCode: 500, body: '{"message":"Internal Server Error"}' });
        writeJson(res, 500, { message: 'Internal Server Error' });
      }
    } catch (e) {
      if (!res.headersSent) writeJson(res, 500, { message: e instanceof Error ? e.message : String(e) });
    }
  };

  const resumed = sfn.resumeRunning();
  if (resumed.length) log(`[states] resumed ${resumed.length} open order execution(s) from the beginning`);

  let stopped = false;
  let eventsClient: DynamoDBClient | undefined;
  let timersClient: DynamoDBClient | undefined;
  // The timers poller's rule (functions/timers.ts), which a manual clock's advance runs itself.
  const timersSchedule = app.schedules.find((sch) => sch.entry === 'timers');
  cleanup.push(() => eventsClient?.destroy());
  /** The earliest due time in the timers index (epoch ms), if any order is due at all. */
  const nextTimerDue = async (): Promise<number | undefined> => {
    if (!app.table || !timersSchedule) return undefined;
    timersClient ??= new DynamoDBClient({ endpoint: dynamoUrl, region: REGION, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
    let earliest: number | undefined;
    for (let shard = 0; shard < TIMER_SHARDS; shard++) {
      const res = await timersClient.send(
        new QueryCommand({ TableName: app.table.TableName, IndexName: TIMERS_INDEX, KeyConditionExpression: 'timerPk = :p', ExpressionAttributeValues: { ':p': { S: `T#${shard}` } }, Limit: 1 }),
      );
      const sk = res.Items?.[0]?.timerSk?.S;
      const at = sk ? Date.parse(sk.slice(0, sk.indexOf('#'))) : NaN;
      if (Number.isFinite(at) && (earliest === undefined || at < earliest)) earliest = at;
    }
    return earliest;
  };
  const runTimersPoller = async () => {
    if (!timersSchedule) return;
    const event = { version: '0', id: randomUUID(), 'detail-type': 'Scheduled Event', source: 'aws.events', account: ACCOUNT, time: clock.now().toISOString().replace(/\.\d{3}Z$/, 'Z'), region: REGION, resources: [], detail: {} };
    await invoker.invoke(timersSchedule.functionLogicalId, event, 'events').catch((e: unknown) => log(`[timers] poller failed: ${e instanceof Error ? e.message : String(e)}`));
  };

  const runtime: LocalRuntime = {
    url,
    endpoints: { dynamodb: dynamoUrl, sfn: sfnUrl, sqs: sqsUrl, sesv2: ses.url, s3: s3.url },
    env,
    secrets,
    cognito: { url: cognito.url, userPoolId: cognito.userPoolId, clientId: cognito.clientId, issuer: cognito.issuer, logins: cognito.logins },
    stores: localStores(env.STORES, shops.added),
    captureDir: captures?.dir,
    app,
    clock,
    resumed,
    crashes: () => [...crashes.fired],
    addCrashPlans: (plans) => crashes.add(plans),
    advanceTime: async (ms) => {
      // The orders' timers (the timers index) fire in order with the clock's own deadlines, each
      // at its own instant (on AWS within the poller's minute after it): the poller then finds
      // the orders due by that instant, so deadlines still fire one instant at a time.
      const settle = () => runtime.whenIdle({ timeoutMs: 60_000 });
      // Work under way first (a step still recording its position and next timer): the first
      // timer read must see it, or a deadline it records would fire only at the target, late.
      await settle();
      const target = clock.nowMs() + Math.max(0, ms);
      let fired = 0;
      for (;;) {
        const due = await nextTimerDue();
        const poll = due === undefined ? undefined : Math.max(clock.nowMs(), due);
        if (poll === undefined || poll > target) break;
        fired += await clock.advance(poll - clock.nowMs(), settle);
        await runTimersPoller();
        await settle();
        fired++;
      }
      fired += await clock.advance(target - clock.nowMs(), settle);
      saveClock();
      return fired;
    },
    outbox: async () => outbox.list(),
    clearOutbox: () => outbox.clear(),
    executions: () => sfn.executions(),
    execution: (name) => sfn.execution(name),
    stats,
    replayDeadLetters: () => sqs.replayDeadLetters(),
    simulateBounce: (id) => ses.simulateBounce(id),
    simulateComplaint: (id) => ses.simulateComplaint(id),
    setFaults: (next) => {
      Object.assign(faults, next);
      ses.setFaults(faults);
      invoker.setCrashRate(faults.lambdaCrashRate ?? 0);
      sfn.setStartExecutionThrottleRate(faults.startExecutionThrottleRate ?? 0);
      sqs.setSendFailureRate(faults.sqsSendFailureRate ?? 0);
    },
    whenIdle: async ({ timeoutMs = 30_000, outbox: withOutbox = false } = {}) => {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        let quietRounds = 0;
        // Quiet for a few consecutive checks: work hands over between queue, functions and states.
        while (quietRounds < 3) {
          const quiet = sqs.pending === 0 && ses.pending === 0 && invoker.active === 0 && sfn.busy === 0;
          quietRounds = quiet ? quietRounds + 1 : 0;
          if (Date.now() > deadline) {
            throw new Error(`Not idle after ${timeoutMs} ms: ${JSON.stringify({ sqs: sqs.pending, ses: ses.pending, functions: invoker.active, executions: sfn.busy })}`);
          }
          await new Promise((r) => realSetTimeout(r, 5));
        }
        if (!withOutbox) return;
        const stranded = await runtime.outboxEvents();
        if (stranded === 0) return;
        if (Date.now() > deadline) throw new Error(`Not idle after ${timeoutMs} ms: ${stranded} stored event(s) still in the event outbox`);
        await new Promise((r) => realSetTimeout(r, 100));
      }
    },
    outboxEvents: async () => {
      if (!app.table) return 0;
      eventsClient ??= new DynamoDBClient({ endpoint: dynamoUrl, region: REGION, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
      const res = await eventsClient.send(
        new QueryCommand({
          TableName: app.table.TableName,
          IndexName: OUTBOX_INDEX,
          KeyConditionExpression: 'outboxPk = :p',
          ExpressionAttributeValues: { ':p': { S: OUTBOX_PENDING } },
          Select: 'COUNT',
        }),
      );
      return res.Count ?? 0;
    },
    stop: async () => {
      if (stopped) return;
      stopped = true;
      await closeServer(main);
      await schedules.close();
      await sfn.close();
      await sqs.close();
      // Let invocations under way finish their calls to the stand-ins before those go away.
      const until = Date.now() + 2000;
      while (invoker.active > 0 && Date.now() < until) await new Promise((r) => realSetTimeout(r, 10));
      for (const c of cleanup.reverse()) await c();
      activeRuntime = false;
    },
  };
  return runtime;
}

function resolveSecrets(options: LocalOptions): LocalSecrets {
  const defaults: string[] = [];
  const pick = (given: string | undefined, envName: string, fallback: string) => {
    const v = given ?? process.env[envName];
    if (v) return v;
    defaults.push(envName);
    return fallback;
  };
  return {
    shopifyWebhookSecret: pick(options.shopifySecret, 'SHOPIFY_WEBHOOK_SECRET', DEV_SECRETS.shopify),
    webhookSecret: pick(options.webhookSecret, 'WEBHOOK_SECRET', DEV_SECRETS.webhook),
    linkSigningSecret: pick(undefined, 'LINK_SIGNING_SECRET', DEV_SECRETS.linkSigning),
    opsToken: pick(undefined, 'OPS_TOKEN', DEV_SECRETS.opsToken),
    defaults,
  };
}

/** Store id → its webhook secrets: Shopify shops get the Shopify secret, other sources the Standard Webhooks one. */
export function webhookSecretsByStore(storesJson: string | undefined, secrets: Pick<LocalSecrets, 'shopifyWebhookSecret' | 'webhookSecret'>): Record<string, string[]> {
  return Object.fromEntries(
    storesOfEnv(storesJson).map((s) => [s.storeId, [s.platform === 'shopify' ? secrets.shopifyWebhookSecret : secrets.webhookSecret]]),
  );
}

/** The stores of a STORES value, canonical id and platform (as the functions settle them). */
function storesOfEnv(storesJson: string | undefined): Array<{ storeId: string; platform: Platform }> {
  if (!storesJson) return [];
  let stores: Array<{ storeId?: unknown; platform?: Platform }>;
  try {
    stores = JSON.parse(storesJson) as Array<{ storeId?: unknown; platform?: Platform }>;
  } catch {
    return [];
  }
  return stores.flatMap((s) => {
    const storeId = typeof s.storeId === 'string' ? canonicalStoreId(s.storeId) : undefined;
    return storeId === undefined ? [] : [{ storeId, platform: s.platform ?? inferredPlatform(storeId) }];
  });
}

/** Takes out of the outbox index the entries a SIGKILL tore from their items (local/index-repair.ts). */
async function repairOutboxIndex(endpoint: string, table: NonNullable<LocalApp['table']>, log: (line: string) => void): Promise<void> {
  const index = table.GlobalSecondaryIndexes?.find((i) => i.IndexName === OUTBOX_INDEX);
  const indexKeys = index?.KeySchema?.map((k) => k.AttributeName!);
  if (!index || indexKeys?.length !== 2) return;
  const client = new DynamoDBClient({ endpoint, region: REGION, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  try {
    let removed = 0;
    // Both partitions: stored events, and unsettled participation email claims.
    for (const partition of [OUTBOX_PENDING, OUTBOX_PENDING_MAIL]) {
      removed += await removeOrphanIndexEntries({
        client,
        tableName: table.TableName!,
        tableKeys: (table.KeySchema ?? []).map((k) => k.AttributeName!),
        indexName: OUTBOX_INDEX,
        indexKeys: [indexKeys[0]!, indexKeys[1]!],
        partition: { S: partition },
      });
    }
    if (removed) log(`[dynamodb] removed ${removed} outbox index entr${removed === 1 ? 'y' : 'ies'} of writes a killed runtime never finished`);
  } finally {
    client.destroy();
  }
}

async function ensureTable(endpoint: string, input: NonNullable<LocalApp['table']>, log: (line: string) => void): Promise<'created' | 'existing'> {
  const client = new DynamoDBClient({ endpoint, region: REGION, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  try {
    let existing: DescribeTableCommandOutput;
    try {
      existing = await client.send(new DescribeTableCommand({ TableName: input.TableName }));
    } catch (e) {
      if (!(e instanceof ResourceNotFoundException) && (e as Error).name !== 'ResourceNotFoundException') throw e;
      await client.send(new CreateTableCommand(input));
      // dynalite answers CreateTable with the table CREATING and activates it on a timer; until
      // then every read answers ResourceNotFoundException. Nothing may read it before it is ACTIVE.
      for (let i = 0; i < 500; i++) {
        const status = (await client.send(new DescribeTableCommand({ TableName: input.TableName }))).Table?.TableStatus;
        if (status === 'ACTIVE') break;
        await new Promise((r) => setTimeout(r, 10));
      }
      log(`[dynamodb] created table ${input.TableName}`);
      return 'created';
    }
    // A data directory from before an index was added to the template. dynalite cannot add an
    // index to a table (UpdateTable ignores it), so say what that means instead of failing later.
    const have = new Set((existing.Table?.GlobalSecondaryIndexes ?? []).map((i) => i.IndexName));
    for (const index of input.GlobalSecondaryIndexes ?? []) {
      if (!have.has(index.IndexName)) {
        log(
          `[dynamodb] the table in this data directory predates its index ${index.IndexName}, which dynalite cannot add; ` +
            'whatever reads that index fails (for the outbox index: stranded events are not swept). Start with a fresh --data-dir to get it.',
        );
      }
    }
    return 'existing';
  } finally {
    client.destroy();
  }
}
