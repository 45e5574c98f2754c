import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { CONSOLE_API_ROUTES, CONSOLE_PAGE_ROUTES } from '../../lib/console-api.js';
import { ENV } from '../../functions/adapters/env.js';
import { envOf, onlyIdOf, resourcesOfType, synth, type Synthesized } from './support.js';

let s: Synthesized;
beforeAll(() => {
  s = synth({ config: 'config/dev.json' });
});

describe('the console user pool', () => {
  it('lets no one sign up: an admin creates each merchant, with a strong password policy', () => {
    s.template.hasResourceProperties('AWS::Cognito::UserPool', {
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
      Policies: { PasswordPolicy: Match.objectLike({ MinimumLength: 12, RequireLowercase: true, RequireUppercase: true, RequireNumbers: true, RequireSymbols: true }) },
      DeletionProtection: 'ACTIVE',
    });
  });

  it('has a group per configured store and one for ops', () => {
    const groups = resourcesOfType(s.json, 'AWS::Cognito::UserPoolGroup').map(([, r]) => r.Properties!.GroupName as string);
    expect(groups.sort()).toEqual(['ops', ...s.config.stores.map((x) => `store:${x.storeId}`)].sort());
  });

  it('has one public app client for password sign-in with revocable tokens, and hands its ids to the console function', () => {
    s.template.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      GenerateSecret: false,
      ExplicitAuthFlows: Match.arrayWith(['ALLOW_USER_PASSWORD_AUTH']),
      EnableTokenRevocation: true,
      PreventUserExistenceErrors: 'ENABLED',
    });
    const env = envOf(s.json, 'console');
    expect(env[ENV.consoleUserPoolId]).toEqual({ Ref: onlyIdOf(s.json, 'AWS::Cognito::UserPool') });
    expect(env[ENV.consoleClientId]).toEqual({ Ref: onlyIdOf(s.json, 'AWS::Cognito::UserPoolClient') });
  });
});

describe('the console routes', () => {
  const routes = () => resourcesOfType(s.json, 'AWS::ApiGatewayV2::Route').map(([, r]) => r.Properties!);

  it('has a JWT authorizer of the user pool and its client', () => {
    const [, authorizer] = resourcesOfType(s.json, 'AWS::ApiGatewayV2::Authorizer')[0]!;
    expect(authorizer.Properties).toMatchObject({
      AuthorizerType: 'JWT',
      IdentitySource: ['$request.header.Authorization'],
      JwtConfiguration: { Audience: [{ Ref: onlyIdOf(s.json, 'AWS::Cognito::UserPoolClient') }] },
    });
    expect(JSON.stringify(authorizer.Properties!.JwtConfiguration.Issuer)).toContain(onlyIdOf(s.json, 'AWS::Cognito::UserPool'));
  });

  it('puts every route of the console API behind the authorizer: an unauthenticated request never reaches the function', () => {
    const authorizerId = onlyIdOf(s.json, 'AWS::ApiGatewayV2::Authorizer');
    const api = routes().filter((r) => String(r.RouteKey).split(' ')[1]!.startsWith('/console/api'));
    expect(api.map((r) => r.RouteKey).sort()).toEqual(CONSOLE_API_ROUTES.map((r) => `${r.method} ${r.path}`).sort());
    for (const r of api) expect(r, r.RouteKey).toMatchObject({ AuthorizationType: 'JWT', AuthorizerId: { Ref: authorizerId } });
    // A catch-all keeps unknown /console/api paths behind it too (the page routes' greedy path would match them otherwise).
    expect(api.map((r) => r.RouteKey)).toContain('ANY /console/api/{proxy+}');
  });

  it('leaves only the cookie-authenticated page routes without it, and no other route of the console', () => {
    const open = routes().filter((r) => String(r.RouteKey).includes('/console') && r.AuthorizationType !== 'JWT');
    expect(open.map((r) => r.RouteKey).sort()).toEqual(CONSOLE_PAGE_ROUTES.map((r) => `${r.method} ${r.path}`).sort());
  });

  it('outputs the console URL and the pool to create merchants in', () => {
    expect(Object.keys(s.json.Outputs ?? {})).toEqual(expect.arrayContaining(['ConsoleUrl', 'ConsoleUserPoolId', 'ConsoleClientId']));
  });
});
