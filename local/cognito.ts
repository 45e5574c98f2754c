/**
 * The Cognito user pool stand-in: cognito-local (the user pool emulator on npm), run
 * in-process on its own port with its data under the runtime's data directory. On start the
 * runtime makes sure the console's pool, app client and groups exist (one pool per data
 * directory, found again by name after a restart) and two development users: a merchant of the
 * first configured store and an ops user, whose logins `npm start` prints.
 *
 * cognito-local ships a server factory that reads `.cognito/` under the working directory; the
 * same parts are put together here with a data directory of our choosing and the issuer set
 * to the port it listens on (its tokens are RS256, signed with the key its JWKS serves).
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import {
  AdminAddUserToGroupCommand,
  AdminCreateUserCommand,
  AdminSetUserPasswordCommand,
  CognitoIdentityProviderClient,
  CreateGroupCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  ListUserPoolClientsCommand,
  ListUserPoolsCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { OPS_GROUP, storeGroup } from '../functions/domain/console/access.js';
import { closeServer, listen } from './aws-json.js';

const require = createRequire(import.meta.url);

export const LOCAL_POOL_NAME = 'postpurchase-console-local';

export interface DevLogin {
  username: string;
  password: string;
  stores: string;
}

/** Development logins: passwords meet the pool's policy; printed by `npm start`, never used on AWS. */
export const DEV_LOGINS = {
  merchant: (store: string): DevLogin => ({ username: 'merchant@example.com', password: 'Dev-merchant-2026!', stores: store }),
  ops: (): DevLogin => ({ username: 'ops@example.com', password: 'Dev-ops-2026!', stores: 'all (ops)' }),
};

export interface LocalCognito {
  url: string;
  userPoolId: string;
  clientId: string;
  /** `<url>/<pool id>`, the `iss` of its tokens. */
  issuer: string;
  logins: DevLogin[];
  close(): Promise<void>;
}

interface Silent {
  level: string;
  [k: string]: unknown;
}

function silentLogger(): Silent {
  const noop = () => undefined;
  const logger: Silent = { level: 'silent', trace: noop, debug: noop, info: noop, warn: noop, error: noop, fatal: noop };
  logger.child = () => logger;
  return logger;
}

export async function startLocalCognito(options: { dataDir?: string; port?: number; storeIds: string[]; otherStoreId?: string }): Promise<LocalCognito> {
  const lib = 'cognito-local/lib';
  const { createServer: cognitoServer } = require(`${lib}/server/server.js`);
  const { Router } = require(`${lib}/server/Router.js`);
  const services = require(`${lib}/services/index.js`);
  const { CognitoServiceFactoryImpl } = require(`${lib}/services/cognitoService.js`);
  const { StormDBDataStoreFactory } = require(`${lib}/services/dataStore/stormDb.js`);
  const { UserPoolServiceFactoryImpl } = require(`${lib}/services/userPoolService.js`);
  const { JwtTokenGenerator } = require(`${lib}/services/tokenGenerator.js`);
  const { MessageDeliveryService } = require(`${lib}/services/messageDelivery/messageDelivery.js`);
  const { ConsoleMessageSender } = require(`${lib}/services/messageDelivery/consoleMessageSender.js`);
  const { otp } = require(`${lib}/services/otp.js`);

  // The port first: the issuer names it.
  let listener: Parameters<typeof createServer>[1] = (_q, s) => s.end();
  const http: Server = createServer((q, s) => listener!(q, s));
  const url = await listen(http, options.port ?? 0).catch(() => listen(http, 0));
  let temp: string | undefined;
  const close = async () => {
    await closeServer(http);
    if (temp) rmSync(temp, { recursive: true, force: true });
  };
  try {
    // cognito-local keeps its pools in files only: an in-memory runtime gets a temporary directory.
    const dir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'pp-cognito-'));
    if (!options.dataDir) temp = dir;
    mkdirSync(dir, { recursive: true });
    const logger = silentLogger();
    const ctx = { logger };
    const clock = new services.DateClock();
    const stores = new StormDBDataStoreFactory(dir);
    const cognito = await new CognitoServiceFactoryImpl(dir, stores, new UserPoolServiceFactoryImpl(clock, stores)).create(ctx, {});
    // No Lambda triggers locally; the triggers service only asks whether one is enabled.
    const triggers = new services.TriggersService(clock, cognito, { enabled: () => false }, {});
    const all = {
      clock,
      cognito,
      config: {},
      messages: new services.MessagesService(triggers, new MessageDeliveryService(new ConsoleMessageSender())),
      otp,
      tokenGenerator: new JwtTokenGenerator(clock, triggers, { IssuerDomain: url }),
      triggers,
    };
    listener = cognitoServer(Router(all), logger, { development: false }, all).application;

    const client = new CognitoIdentityProviderClient({ endpoint: url, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
    try {
      const pools = await client.send(new ListUserPoolsCommand({ MaxResults: 60 }));
      let userPoolId = pools.UserPools?.find((p) => p.Name === LOCAL_POOL_NAME)?.Id;
      if (!userPoolId) userPoolId = (await client.send(new CreateUserPoolCommand({ PoolName: LOCAL_POOL_NAME }))).UserPool!.Id!;
      const clients = await client.send(new ListUserPoolClientsCommand({ UserPoolId: userPoolId, MaxResults: 60 }));
      let clientId = clients.UserPoolClients?.find((c) => c.ClientName === 'merchant-console')?.ClientId;
      if (!clientId) {
        clientId = (
          await client.send(new CreateUserPoolClientCommand({ UserPoolId: userPoolId, ClientName: 'merchant-console', ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'], AccessTokenValidity: 1, TokenValidityUnits: { AccessToken: 'hours' } }))
        ).UserPoolClient!.ClientId!;
      }
      const ensure = async (p: Promise<unknown>) => p.catch((e: { name?: string }) => {
        if (!['GroupExistsException', 'UsernameExistsException'].includes(e.name ?? '')) throw e;
      });
      for (const group of [OPS_GROUP, ...options.storeIds.map(storeGroup)]) await ensure(client.send(new CreateGroupCommand({ UserPoolId: userPoolId, GroupName: group })));
      const first = options.storeIds[0];
      const logins: DevLogin[] = [];
      const users: Array<[DevLogin, string]> = [[DEV_LOGINS.ops(), OPS_GROUP]];
      if (first) users.unshift([DEV_LOGINS.merchant(first), storeGroup(first)]);
      for (const [login, group] of users) {
        await ensure(client.send(new AdminCreateUserCommand({ UserPoolId: userPoolId, Username: login.username, MessageAction: 'SUPPRESS', UserAttributes: [{ Name: 'email', Value: login.username }, { Name: 'email_verified', Value: 'true' }] })));
        await client.send(new AdminSetUserPasswordCommand({ UserPoolId: userPoolId, Username: login.username, Password: login.password, Permanent: true }));
        await client.send(new AdminAddUserToGroupCommand({ UserPoolId: userPoolId, Username: login.username, GroupName: group }));
        logins.push(login);
      }
      return { url, userPoolId, clientId, issuer: `${url}/${userPoolId}`, logins, close };
    } finally {
      client.destroy();
    }
  } catch (e) {
    await close();
    throw e;
  }
}
