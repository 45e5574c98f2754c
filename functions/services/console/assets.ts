/**
 * The console's static assets, served by the console function itself (no CDN): uPlot's
 * browser build and stylesheet, the chart script and the console's stylesheet. On Lambda they
 * sit in assets/ beside the bundle (copied at bundling, lib/handler-function.ts); from source
 * (the local runtime, tests) they are read from functions/console/assets and node_modules.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { ConsoleResponse } from './deps.js';

/** Asset name → where uPlot keeps it in its package (the rest are ours). */
const FROM_PACKAGE: Record<string, string> = { 'uPlot.iife.min.js': 'uplot/dist/uPlot.iife.min.js', 'uPlot.min.css': 'uplot/dist/uPlot.min.css' };
const OURS = new Set(['charts.js', 'console.css']);
export const CONSOLE_ASSETS = [...Object.keys(FROM_PACKAGE), ...OURS];

const cache = new Map<string, string>();

function locate(name: string): string | undefined {
  // Bundled: <task>/index.mjs and <task>/assets/<name>.
  const bundled = fileURLToPath(new URL(`./assets/${name}`, import.meta.url));
  if (existsSync(bundled)) return bundled;
  const source = fileURLToPath(new URL(`../../console/assets/${name}`, import.meta.url));
  if (OURS.has(name) && existsSync(source)) return source;
  const pkg = FROM_PACKAGE[name];
  if (pkg) {
    try {
      return createRequire(import.meta.url).resolve(pkg);
    } catch {
      return undefined;
    }
  }
  return undefined;
}

export function consoleAsset(name: string): ConsoleResponse {
  if (!CONSOLE_ASSETS.includes(name)) return { status: 404, headers: { 'content-type': 'text/plain' }, body: 'Not found' };
  let body = cache.get(name);
  if (body === undefined) {
    const file = locate(name);
    if (!file) return { status: 404, headers: { 'content-type': 'text/plain' }, body: 'Not found' };
    body = readFileSync(file, 'utf8');
    cache.set(name, body);
  }
  const type = name.endsWith('.css') ? 'text/css; charset=utf-8' : 'text/javascript; charset=utf-8';
  return { status: 200, headers: { 'content-type': type, 'cache-control': 'public, max-age=3600', 'x-content-type-options': 'nosniff' }, body };
}
