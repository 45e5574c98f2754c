/**
 * Who may see what in the merchant console. A signed-in user is allowed the stores named by
 * their Cognito groups: `store:<store id>` for one store, `ops` for every store of the
 * deployment. Nothing else grants access; a user in no group sees no store.
 */
import { canonicalStoreId } from '../store-id.js';

export const OPS_GROUP = 'ops';
const STORE_GROUP_PREFIX = 'store:';

/** The group that allows one store. */
export const storeGroup = (storeId: string) => `${STORE_GROUP_PREFIX}${storeId}`;

export interface Principal {
  /** Cognito username (the merchant's email address): recorded on the order as who did an action. */
  readonly username: string;
  /** Cognito's opaque user id (`sub`): what the logs name, never the address. */
  readonly subject: string;
  /** The token's id, so a signed-out session can be refused before it expires. */
  readonly tokenId: string;
  /** Epoch seconds when the token expires. */
  readonly expiresAt: number;
  readonly ops: boolean;
  /** Canonical store ids this user may see, in configuration order. */
  readonly stores: readonly string[];
}

/**
 * `cognito:groups` as it arrives: an array from aws-jwt-verify, or the string API Gateway's JWT
 * authorizer makes of an array claim (`[ops store:a]`, space-separated in brackets).
 */
export function groupsOf(claim: unknown): string[] {
  if (Array.isArray(claim)) return claim.map(String);
  if (typeof claim !== 'string') return [];
  const text = claim.trim();
  if (text.startsWith('[') && text.endsWith(']')) {
    const inner = text.slice(1, -1).trim();
    if (inner.startsWith('"')) {
      try {
        const parsed = JSON.parse(text) as unknown;
        if (Array.isArray(parsed)) return parsed.map(String);
      } catch {
        /* fall through to the space-separated form */
      }
    }
    return inner.split(/[\s,]+/).filter(Boolean);
  }
  return text ? [text] : [];
}

/**
 * The principal of a verified access token's claims, or undefined when they lack what the
 * console needs (a username, an id, an expiry). `configuredStores` bounds what any group grants.
 */
export function principalFromClaims(claims: Record<string, unknown>, configuredStores: readonly string[]): Principal | undefined {
  const username = typeof claims.username === 'string' ? claims.username : typeof claims['cognito:username'] === 'string' ? String(claims['cognito:username']) : undefined;
  const tokenId = typeof claims.jti === 'string' ? claims.jti : undefined;
  const expiresAt = Number(claims.exp);
  if (!username || !tokenId || !Number.isFinite(expiresAt)) return undefined;
  const groups = groupsOf(claims['cognito:groups']);
  const ops = groups.includes(OPS_GROUP);
  const named = new Set(
    groups.filter((g) => g.startsWith(STORE_GROUP_PREFIX)).flatMap((g) => {
      const id = canonicalStoreId(g.slice(STORE_GROUP_PREFIX.length));
      return id === undefined ? [] : [id];
    }),
  );
  const stores = configuredStores.filter((s) => ops || named.has(s));
  return { username, subject: typeof claims.sub === 'string' ? claims.sub : tokenId, tokenId, expiresAt, ops, stores };
}

/** Whether the principal may see this store (any spelling of its id). */
export function canSee(principal: Principal, store: string): boolean {
  const id = canonicalStoreId(store);
  return id !== undefined && principal.stores.includes(id);
}
