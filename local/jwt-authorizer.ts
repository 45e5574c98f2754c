/**
 * API Gateway's JWT authorizer (HTTP API), for the routes the template puts behind one: the
 * bearer token of the identity source must verify against the authorizer's issuer (signature
 * by the issuer's JWKS, expiry) and name one of its audiences in `aud` or `client_id`; the
 * claims then reach the function as API Gateway passes them, array claims flattened to
 * `[a b]`. Anything else is 401 `{"message":"Unauthorized"}` and the function never runs.
 *
 * The template's issuer is Cognito's (`https://cognito-idp.<region>.amazonaws.com/<pool>`);
 * locally that pool is cognito-local's, whose tokens carry its own loopback issuer.
 */
import { JwtVerifier } from 'aws-jwt-verify';
import { SimpleJwksCache } from 'aws-jwt-verify/jwk';
import type { RouteBinding } from './template.js';

type Authorizer = NonNullable<RouteBinding['authorizer']>;

export class JwtAuthorizer {
  private readonly jwks = new SimpleJwksCache({ fetcher: { fetch: async (uri: string) => (await fetch(uri)).arrayBuffer() } });
  private readonly verifiers = new Map<string, ReturnType<typeof JwtVerifier.create>>();

  constructor(private readonly options: { region: string; userPoolId: string; localIssuer: string }) {}

  private issuerOf(a: Authorizer): string {
    const cognito = `https://cognito-idp.${this.options.region}.amazonaws.com/${this.options.userPoolId}`;
    return a.issuer === cognito ? this.options.localIssuer : a.issuer;
  }

  /** The claims API Gateway would pass, or undefined for a refusal. */
  async authorize(a: Authorizer, header: string | undefined): Promise<Record<string, string> | undefined> {
    const token = header?.replace(/^Bearer\s+/i, '').trim();
    if (!token) return undefined;
    const issuer = this.issuerOf(a);
    let verifier = this.verifiers.get(issuer);
    if (!verifier) {
      verifier = JwtVerifier.create({ issuer, audience: null, jwksUri: `${issuer}/.well-known/jwks.json` }, { jwksCache: this.jwks });
      this.verifiers.set(issuer, verifier);
    }
    let payload: Record<string, unknown>;
    try {
      payload = (await verifier.verify(token)) as unknown as Record<string, unknown>;
    } catch {
      return undefined;
    }
    const audiences = ([] as unknown[]).concat(payload.aud ?? [], payload.client_id ?? []).map(String);
    if (a.audience.length > 0 && !audiences.some((x) => a.audience.includes(x))) return undefined;
    return Object.fromEntries(Object.entries(payload).map(([k, v]) => [k, Array.isArray(v) ? `[${v.join(' ')}]` : typeof v === 'object' ? JSON.stringify(v) : String(v)]));
  }
}
