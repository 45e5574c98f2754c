import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpUserPoolAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import type { ConsoleUserPool } from './console-auth.js';
import { addRoutes } from './webhook-api.js';

/** The console's JSON API: every route behind the JWT authorizer (bearer access token). */
export const CONSOLE_API_ROUTES = [
  { method: apigw.HttpMethod.GET, path: '/console/api/me' },
  { method: apigw.HttpMethod.GET, path: '/console/api/stores/{store}/overview' },
  { method: apigw.HttpMethod.GET, path: '/console/api/stores/{store}/orders' },
  { method: apigw.HttpMethod.GET, path: '/console/api/stores/{store}/orders/{orderId}' },
  { method: apigw.HttpMethod.POST, path: '/console/api/stores/{store}/orders/{orderId}/resend' },
  { method: apigw.HttpMethod.POST, path: '/console/api/stores/{store}/orders/{orderId}/stop' },
  { method: apigw.HttpMethod.GET, path: '/console/api/stores/{store}/feedback' },
  { method: apigw.HttpMethod.POST, path: '/console/api/stores/{store}/feedback/{orderId}/reply' },
  { method: apigw.HttpMethod.POST, path: '/console/api/stores/{store}/reviews/{reviewId}/decide' },
  { method: apigw.HttpMethod.POST, path: '/console/api/stores/{store}/reviews/{reviewId}/reply' },
  { method: apigw.HttpMethod.GET, path: '/console/api/dead-letters' },
  { method: apigw.HttpMethod.POST, path: '/console/api/dead-letters/replay' },
  // Anything else under /console/api is still refused by the authorizer before the function runs.
  { method: apigw.HttpMethod.ANY, path: '/console/api/{proxy+}' },
] as const;

/**
 * The console's pages: HTML for a browser, whose session is an HttpOnly cookie. API Gateway's
 * JWT authorizer reads only headers and query strings, never cookies, so these routes reach
 * the function, which verifies the cookie's token itself (aws-jwt-verify) and answers the
 * sign-in page or 401/403 otherwise.
 */
export const CONSOLE_PAGE_ROUTES = [
  { method: apigw.HttpMethod.GET, path: '/console' },
  { method: apigw.HttpMethod.GET, path: '/console/{proxy+}' },
  { method: apigw.HttpMethod.POST, path: '/console/{proxy+}' },
] as const;

export interface ConsoleRoutesProps {
  readonly httpApi: apigw.HttpApi;
  readonly consoleFunction: lambda.IFunction;
  readonly users: ConsoleUserPool;
}

/** Adds the merchant console to the HTTP API: its pages, and its JSON API behind a Cognito JWT authorizer. */
export class ConsoleRoutes extends Construct {
  readonly authorizer: HttpUserPoolAuthorizer;

  constructor(scope: Construct, id: string, props: ConsoleRoutesProps) {
    super(scope, id);
    this.authorizer = new HttpUserPoolAuthorizer('ConsoleAuthorizer', props.users.userPool, {
      userPoolClients: [props.users.client],
      identitySource: ['$request.header.Authorization'],
    });
    const integration = new HttpLambdaIntegration('Console', props.consoleFunction);
    addRoutes(props.httpApi, CONSOLE_API_ROUTES, integration, { authorizer: this.authorizer });
    addRoutes(props.httpApi, CONSOLE_PAGE_ROUTES, integration, {
      withoutAuthorizer: () =>
        'Console pages are opened by a browser whose session is an HttpOnly cookie, which API Gateway authorizers cannot read; the console function verifies the Cognito access token in that cookie with aws-jwt-verify on every request and answers the sign-in page (or 401/403) without a valid one.',
    });
  }
}
