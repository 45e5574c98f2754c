/**
 * Cognito for the merchant console: verifying access tokens (aws-jwt-verify) and the
 * username-and-password sign-in with its challenges (a first sign-in's new password, a TOTP
 * code). On AWS the verifier is Cognito's own (issuer and JWKS of the user pool, over HTTPS);
 * locally CONSOLE_ISSUER points it at cognito-local, whose JWKS is served over plain http on
 * loopback, which aws-jwt-verify's default fetcher refuses, so a fetch-based one is given.
 */
import {
  CognitoIdentityProviderClient,
  GlobalSignOutCommand,
  InitiateAuthCommand,
  RespondToAuthChallengeCommand,
  type AuthenticationResultType,
  type ChallengeNameType,
} from '@aws-sdk/client-cognito-identity-provider';
import { CognitoJwtVerifier, JwtVerifier } from 'aws-jwt-verify';
import { SimpleJwksCache } from 'aws-jwt-verify/jwk';

export type VerifyAccessToken = (token: string) => Promise<Record<string, unknown>>;

export interface ConsoleAuthConfig {
  userPoolId: string;
  clientId: string;
  /** Issuer of a local user pool emulator (`http://127.0.0.1:…/<pool id>`); unset on AWS. */
  issuer?: string;
}

/** A verifier of console access tokens: signature, issuer, expiry, token_use "access", and our client id. */
export function accessTokenVerifier(config: ConsoleAuthConfig): VerifyAccessToken {
  // Built at the first token, not at import: a cold start that serves an asset or the sign-in
  // form never needs it, and a malformed pool id fails that request with its message, not the module.
  let verify: VerifyAccessToken | undefined;
  return (token) => (verify ??= buildVerifier(config))(token);
}

function buildVerifier(config: ConsoleAuthConfig): VerifyAccessToken {
  if (!config.issuer) {
    const verifier = CognitoJwtVerifier.create({ userPoolId: config.userPoolId, clientId: config.clientId, tokenUse: 'access' });
    return async (token) => (await verifier.verify(token)) as unknown as Record<string, unknown>;
  }
  const issuer = config.issuer.replace(/\/$/, '');
  if (!/^http:\/\/(127\.0\.0\.1|localhost)(:\d+)?\//.test(issuer)) throw new Error(`CONSOLE_ISSUER must be a loopback http URL (a local emulator), got ${issuer}`);
  const verifier = JwtVerifier.create(
    {
      issuer,
      jwksUri: `${issuer}/.well-known/jwks.json`,
      audience: null,
      customJwtCheck: ({ payload }) => {
        if (payload.token_use !== 'access') throw new Error('not an access token');
        if (payload.client_id !== config.clientId) throw new Error('token of another client');
      },
    },
    { jwksCache: new SimpleJwksCache({ fetcher: { fetch: async (uri: string) => (await fetch(uri)).arrayBuffer() } }) },
  );
  return async (token) => (await verifier.verify(token)) as unknown as Record<string, unknown>;
}

export type SignInOutcome =
  | { status: 'signed_in'; accessToken: string; expiresIn: number }
  | { status: 'challenge'; challenge: 'NEW_PASSWORD_REQUIRED' | 'SOFTWARE_TOKEN_MFA'; session: string }
  | { status: 'refused'; reason: 'credentials' | 'password_policy' | 'code' | 'unsupported' };

/** Answers the console's sign-in form asks of Cognito. */
export interface SignInService {
  signIn(username: string, password: string): Promise<SignInOutcome>;
  respond(challenge: 'NEW_PASSWORD_REQUIRED' | 'SOFTWARE_TOKEN_MFA', username: string, session: string, answer: string): Promise<SignInOutcome>;
  /** Revokes the user's refresh tokens (best effort: the caller also ends the session itself). */
  signOut(accessToken: string): Promise<void>;
}

const SUPPORTED = new Set<string>(['NEW_PASSWORD_REQUIRED', 'SOFTWARE_TOKEN_MFA']);

function outcome(result: AuthenticationResultType | undefined, challenge: ChallengeNameType | string | undefined, session: string | undefined): SignInOutcome {
  if (result?.AccessToken) return { status: 'signed_in', accessToken: result.AccessToken, expiresIn: result.ExpiresIn ?? 3600 };
  if (challenge && SUPPORTED.has(challenge) && session) return { status: 'challenge', challenge: challenge as 'NEW_PASSWORD_REQUIRED', session };
  return { status: 'refused', reason: 'unsupported' };
}

function refusal(e: unknown, wrongAnswer: 'credentials' | 'code'): SignInOutcome {
  const name = (e as { name?: string })?.name ?? '';
  if (name === 'InvalidPasswordException') return { status: 'refused', reason: 'password_policy' };
  if (name === 'CodeMismatchException' || name === 'ExpiredCodeException') return { status: 'refused', reason: 'code' };
  // Same answer for an unknown user, a wrong password and a disabled user: no enumeration.
  if (['NotAuthorizedException', 'UserNotFoundException', 'UserNotConfirmedException', 'PasswordResetRequiredException'].includes(name)) {
    return { status: 'refused', reason: wrongAnswer };
  }
  throw e;
}

export class CognitoSignIn implements SignInService {
  constructor(
    private readonly client: CognitoIdentityProviderClient,
    private readonly clientId: string,
  ) {}

  async signIn(username: string, password: string): Promise<SignInOutcome> {
    try {
      const res = await this.client.send(
        new InitiateAuthCommand({ ClientId: this.clientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: username, PASSWORD: password } }),
      );
      return outcome(res.AuthenticationResult, res.ChallengeName, res.Session);
    } catch (e) {
      // A wrong password answers NotAuthorizedException on AWS, InvalidPasswordException in cognito-local.
      const r = refusal(e, 'credentials');
      return r.status === 'refused' && r.reason === 'password_policy' ? { status: 'refused', reason: 'credentials' } : r;
    }
  }

  async respond(challenge: 'NEW_PASSWORD_REQUIRED' | 'SOFTWARE_TOKEN_MFA', username: string, session: string, answer: string): Promise<SignInOutcome> {
    const responses: Record<string, string> =
      challenge === 'NEW_PASSWORD_REQUIRED' ? { USERNAME: username, NEW_PASSWORD: answer } : { USERNAME: username, SOFTWARE_TOKEN_MFA_CODE: answer };
    try {
      const res = await this.client.send(new RespondToAuthChallengeCommand({ ClientId: this.clientId, ChallengeName: challenge, Session: session, ChallengeResponses: responses }));
      return outcome(res.AuthenticationResult, res.ChallengeName, res.Session);
    } catch (e) {
      return refusal(e, challenge === 'SOFTWARE_TOKEN_MFA' ? 'code' : 'credentials');
    }
  }

  async signOut(accessToken: string): Promise<void> {
    await this.client.send(new GlobalSignOutCommand({ AccessToken: accessToken }));
  }
}
