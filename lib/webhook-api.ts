import { RemovalPolicy } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { acknowledge } from './nag.js';

/** One route of the HTTP API: a method on a path. */
export interface Route {
  readonly method: apigw.HttpMethod;
  readonly path: string;
}

/**
 * Adds each route to the API, all to one integration. A route either has an authorizer or says,
 * in `withoutAuthorizer`, why it needs none: that reason acknowledges cdk-nag's AwsSolutions-APIG4
 * on the route, so a route can never be public by omission.
 */
export function addRoutes(
  httpApi: apigw.HttpApi,
  routes: readonly Route[],
  integration: apigw.HttpRouteIntegration,
  access: { readonly authorizer: apigw.IHttpRouteAuthorizer } | { readonly withoutAuthorizer: (route: Route) => string },
): void {
  for (const route of routes) {
    const added = httpApi.addRoutes({ path: route.path, methods: [route.method], integration, ...('authorizer' in access ? { authorizer: access.authorizer } : {}) });
    if ('withoutAuthorizer' in access) for (const r of added) acknowledge(r, 'AwsSolutions-APIG4', access.withoutAuthorizer(route));
  }
}

/** Routes served by the ingest function: the platforms' webhooks. */
export const WEBHOOK_ROUTES = [
  { method: apigw.HttpMethod.POST, path: '/webhooks/shopify' },
  { method: apigw.HttpMethod.POST, path: '/webhooks' },
] as const;

/** Routes served by the pages function: shopper pages behind signed links, and the store's feedback view. */
export const PAGE_ROUTES = [
  { method: apigw.HttpMethod.GET, path: '/track' },
  { method: apigw.HttpMethod.POST, path: '/track' },
  { method: apigw.HttpMethod.GET, path: '/unsubscribe' },
  { method: apigw.HttpMethod.POST, path: '/unsubscribe' },
  { method: apigw.HttpMethod.GET, path: '/stores/{store}/feedback' },
] as const;

/**
 * Routes served by the reviews function (functions/reviews.ts): the star click and comment, the
 * review form, public product reviews and feed, referral pages, and the merchant API.
 */
export const REVIEW_ROUTES = [
  { method: apigw.HttpMethod.GET, path: '/feedback' },
  { method: apigw.HttpMethod.POST, path: '/feedback' },
  { method: apigw.HttpMethod.POST, path: '/reviews' },
  { method: apigw.HttpMethod.GET, path: '/stores/{store}/products/{productId}/reviews' },
  { method: apigw.HttpMethod.GET, path: '/stores/{store}/products/{productId}/reviews/snippet' },
  { method: apigw.HttpMethod.GET, path: '/stores/{store}/reviews.xml' },
  { method: apigw.HttpMethod.GET, path: '/stores/{store}/photos/{reviewId}/{file}' },
  { method: apigw.HttpMethod.GET, path: '/stores/{store}/referrals/{code}' },
  { method: apigw.HttpMethod.POST, path: '/stores/{store}/referrals/{code}' },
  { method: apigw.HttpMethod.GET, path: '/stores/{store}/reviews' },
  { method: apigw.HttpMethod.POST, path: '/stores/{store}/reviews/{reviewId}/approve' },
  { method: apigw.HttpMethod.POST, path: '/stores/{store}/reviews/{reviewId}/reject' },
  { method: apigw.HttpMethod.POST, path: '/stores/{store}/reviews/{reviewId}/reply' },
  { method: apigw.HttpMethod.GET, path: '/stores/{store}/reward-codes' },
  { method: apigw.HttpMethod.POST, path: '/stores/{store}/reward-codes' },
  { method: apigw.HttpMethod.GET, path: '/stores/{store}/orders/{orderId}/feedback' },
  { method: apigw.HttpMethod.POST, path: '/stores/{store}/orders/{orderId}/feedback-responses' },
] as const;

/** Routes of the merchant API: JSON, behind the ops bearer token (a signed-in console may replace it, issue 17). */
const MERCHANT_ROUTE = /^\/stores\/\{store\}\/(feedback|reviews(\/\{reviewId\}\/\w+)?|reward-codes|orders\/.*)$/;

export interface WebhookApiProps {
  readonly ingestFunction: lambda.IFunction;
  readonly pagesFunction: lambda.IFunction;
  readonly reviewsFunction: lambda.IFunction;
  /** Default-stage throttling across all routes. @default { rateLimit: 50, burstLimit: 100 } */
  readonly throttle?: apigw.ThrottleSettings;
  /** @default logs.RetentionDays.THREE_MONTHS */
  readonly accessLogRetention?: logs.RetentionDays;
  /**
   * Base URL the outside world uses (a custom domain mapped to this API elsewhere).
   * @default - the execute-api endpoint
   */
  readonly publicBaseUrl?: string;
}

/**
 * The one public entry point: an HTTP API with explicit routes only (anything else is a 404
 * from API Gateway without invoking a function), throttled on its default stage, with JSON
 * access logs that record the route key rather than the path, so signed link tokens and
 * shopper emails in query strings stay out of the logs.
 */
export class WebhookApi extends Construct {
  readonly httpApi: apigw.HttpApi;
  readonly stage: apigw.HttpStage;
  readonly accessLogs: logs.LogGroup;
  /** Base URL without a trailing slash. */
  readonly baseUrl: string;

  constructor(scope: Construct, id: string, props: WebhookApiProps) {
    super(scope, id);

    // The default stage is created by hand: HttpApi's own has no throttling or access log options.
    this.httpApi = new apigw.HttpApi(this, 'HttpApi', {
      description: 'postpurchase webhooks and shopper pages',
      createDefaultStage: false,
    });
    this.accessLogs = new logs.LogGroup(this, 'AccessLogs', {
      retention: props.accessLogRetention ?? logs.RetentionDays.THREE_MONTHS,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.stage = new apigw.HttpStage(this, 'DefaultStage', {
      httpApi: this.httpApi,
      stageName: '$default',
      autoDeploy: true,
      throttle: props.throttle ?? { rateLimit: 50, burstLimit: 100 },
      accessLogSettings: {
        destination: new apigw.LogGroupLogDestination(this.accessLogs),
        format: AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            time: '$context.requestTime',
            ip: '$context.identity.sourceIp',
            routeKey: '$context.routeKey',
            status: '$context.status',
            latency: '$context.responseLatency',
            integrationLatency: '$context.integrationLatency',
            integrationError: '$context.integrationErrorMessage',
            responseLength: '$context.responseLength',
            userAgent: '$context.identity.userAgent',
          }),
        ),
      },
    });

    addRoutes(this.httpApi, WEBHOOK_ROUTES, new HttpLambdaIntegration('Ingest', props.ingestFunction), {
      withoutAuthorizer: () =>
        'Webhook senders (Shopify, Standard Webhooks) cannot present IAM or JWT credentials; the ingest function authenticates every request by its HMAC signature against the store secret and rejects it with 401 otherwise.',
    });
    const pageRouteWhy = (route: Route) =>
      MERCHANT_ROUTE.test(route.path)
        ? "The store's feedback view and merchant API are for store staff without AWS identities; the pages function requires the ops bearer token (Secrets Manager) and answers 401 without it."
        : route.path.startsWith('/stores/')
          ? "Public by design: a product's published reviews, the store's review feed for Google, published review photos and referral pages show nothing that is not already public."
          : 'Shoppers follow links from emails and have no credentials; each link carries an HMAC-signed, expiring token that the pages function verifies before showing or changing anything.';
    addRoutes(this.httpApi, PAGE_ROUTES, new HttpLambdaIntegration('Pages', props.pagesFunction), { withoutAuthorizer: pageRouteWhy });
    addRoutes(this.httpApi, REVIEW_ROUTES, new HttpLambdaIntegration('Reviews', props.reviewsFunction), { withoutAuthorizer: pageRouteWhy });

    this.baseUrl = props.publicBaseUrl ?? this.httpApi.apiEndpoint;
  }

  /** The URL to register for Shopify webhooks. */
  get shopifyWebhookUrl(): string {
    return `${this.baseUrl}/webhooks/shopify`;
  }

  /** The URL to register for Standard Webhooks senders. */
  get genericWebhookUrl(): string {
    return `${this.baseUrl}/webhooks`;
  }
}
