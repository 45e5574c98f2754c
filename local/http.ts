/**
 * The HTTP API (API Gateway v2) in front of the handlers: route selection as API Gateway does it
 * (most specific route first), payload format 2.0 events, and the mapping of a handler's result
 * back to an HTTP response.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { RouteBinding } from './template.js';

export interface RouteMatch {
  route: RouteBinding;
  pathParameters?: Record<string, string>;
}

interface CompiledRoute {
  route: RouteBinding;
  regex: RegExp;
  names: string[];
  literalSegments: number;
  greedy: boolean;
}

function compile(route: RouteBinding): CompiledRoute {
  if (route.path === '$default') return { route, regex: /^.*$/, names: [], literalSegments: -1, greedy: true };
  const names: string[] = [];
  let literalSegments = 0;
  let greedy = false;
  const pattern = route.path
    .split('/')
    .map((segment) => {
      const variable = /^\{([^}+]+)(\+)?\}$/.exec(segment);
      if (!variable) {
        if (segment) literalSegments++;
        return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      }
      names.push(variable[1]!);
      if (variable[2]) {
        greedy = true;
        return '(.+)';
      }
      return '([^/]+)';
    })
    .join('/');
  return { route, regex: new RegExp(`^${pattern}$`), names, literalSegments, greedy };
}

/** Matches requests to the template's routes the way API Gateway prioritises them. */
export class Router {
  private readonly compiled: CompiledRoute[];

  constructor(routes: RouteBinding[]) {
    // Exact paths before variables, variables before greedy paths, a method before ANY, $default last.
    this.compiled = routes
      .map(compile)
      .sort(
        (a, b) =>
          Number(a.route.path === '$default') - Number(b.route.path === '$default') ||
          Number(a.greedy) - Number(b.greedy) ||
          a.names.length - b.names.length ||
          b.literalSegments - a.literalSegments ||
          Number(a.route.method === 'ANY') - Number(b.route.method === 'ANY'),
      );
  }

  match(method: string, path: string): RouteMatch | undefined {
    for (const c of this.compiled) {
      if (c.route.method !== 'ANY' && c.route.method !== method.toUpperCase()) continue;
      const m = c.regex.exec(path);
      if (!m) continue;
      if (c.names.length === 0) return { route: c.route };
      const pathParameters: Record<string, string> = {};
      c.names.forEach((name, i) => {
        const raw = m[i + 1]!;
        try {
          pathParameters[name] = decodeURIComponent(raw);
        } catch {
          pathParameters[name] = raw;
        }
      });
      return { route: c.route, pathParameters };
    }
    return undefined;
  }
}

const TEXT_TYPES = /^(text\/|application\/(json|[\w.+-]+\+json|xml|[\w.+-]+\+xml|x-www-form-urlencoded|javascript|graphql))/i;

/** The payload format 2.0 event API Gateway would pass for this request. */
function setJoined(into: Record<string, string>, name: string, value: string): void {
  const joined = Object.hasOwn(into, name) ? `${into[name]},${value}` : value;
  Object.defineProperty(into, name, { value: joined, enumerable: true, writable: true, configurable: true });
}

export function apiGatewayEvent(req: IncomingMessage, body: Buffer, match: RouteMatch): APIGatewayProxyEventV2 {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const headers: Record<string, string> = {};
  let cookies: string[] | undefined;
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    const name = req.rawHeaders[i]!.toLowerCase();
    const value = req.rawHeaders[i + 1]!;
    if (name === 'cookie') {
      cookies = [...(cookies ?? []), ...value.split(/;\s*/).filter(Boolean)];
      continue;
    }
    // Own properties only, as API Gateway's JSON event has: a header or parameter named
    // "__proto__" or "constructor" is just a name.
    setJoined(headers, name, value);
  }
  const query: Record<string, string> = {};
  for (const [k, v] of url.searchParams) setJoined(query, k, v);
  const contentType = headers['content-type'] ?? '';
  const hasBody = body.length > 0;
  const asText = hasBody && (contentType === '' || TEXT_TYPES.test(contentType));
  const now = new Date();
  const sourceIp = (req.socket.remoteAddress ?? '127.0.0.1').replace(/^::ffff:/, '');
  const host = headers.host ?? 'localhost';
  return {
    version: '2.0',
    routeKey: match.route.routeKey,
    rawPath: url.pathname,
    rawQueryString: url.search.replace(/^\?/, ''),
    ...(cookies ? { cookies } : {}),
    headers,
    ...(Object.keys(query).length ? { queryStringParameters: query } : {}),
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      domainName: host,
      domainPrefix: host.split('.')[0]!,
      http: {
        method: (req.method ?? 'GET').toUpperCase(),
        path: url.pathname,
        protocol: `HTTP/${req.httpVersion}`,
        sourceIp,
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: randomUUID(),
      routeKey: match.route.routeKey,
      stage: '$default',
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
    },
    ...(match.pathParameters ? { pathParameters: match.pathParameters } : {}),
    ...(hasBody ? { body: asText ? body.toString('utf8') : body.toString('base64') } : {}),
    isBase64Encoded: hasBody && !asText,
  };
}

/** Writes a handler's result as API Gateway maps payload format 2.0 responses. */
export function writeApiGatewayResult(res: ServerResponse, result: unknown): void {
  const isResponse = result !== null && typeof result === 'object' && 'statusCode' in result;
  if (!isResponse) {
    // No statusCode: API Gateway assumes 200 and JSON.
    const body = typeof result === 'string' ? result : JSON.stringify(result ?? null);
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    res.end(body);
    return;
  }
  const r = result as { statusCode: number; headers?: Record<string, unknown>; cookies?: string[]; body?: string; isBase64Encoded?: boolean };
  const headers: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(r.headers ?? {})) if (v !== undefined && v !== null) headers[k.toLowerCase()] = String(v);
  if (r.cookies?.length) headers['set-cookie'] = r.cookies;
  const body = r.body === undefined || r.body === null ? Buffer.alloc(0) : Buffer.from(String(r.body), r.isBase64Encoded ? 'base64' : 'utf8');
  headers['content-length'] = String(body.length);
  headers['content-type'] ??= 'application/json';
  res.writeHead(Number(r.statusCode) || 200, headers);
  res.end(body);
}

export function writeJson(res: ServerResponse, status: number, value: unknown): void {
  const body = JSON.stringify(value, null, 2);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}
