/**
 * Cold start proxy per Lambda entry: the bundle as CDK's NodejsFunction builds it, and how long
 * a fresh Node process takes to import it, against a baseline bundle that imports only the AWS
 * SDK packages the entry itself imports (and nothing of ours), measured in the same run.
 *
 * Bundles are built with esbuild directly, with the options lib/handler-function.ts gives
 * NodejsFunction (which CDK turns into exactly these esbuild flags; see buildEsbuildArgs in
 * aws-cdk-lib/aws-lambda-nodejs/lib/bundling.js): ESM, `--platform=node`, target node24, main
 * fields module,main, minify, linked source map without sources content, `@aws-sdk/*` external
 * (the Node 24 runtime provides it; the `@smithy/*` feature flag is off in cdk.json), and the
 * createRequire banner.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { build, type Metafile } from 'esbuild';
import { median } from './lib/stats.js';

export const BUNDLE_LIMIT_BYTES = 250 * 1024;
export const IMPORT_RATIO_LIMIT = 1.5;

/** The bundling options of lib/handler-function.ts, as esbuild options. */
export const CDK_BUNDLING = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node24',
  mainFields: ['module', 'main'],
  minify: true,
  sourcemap: true,
  sourcesContent: false,
  external: ['@aws-sdk/*', 'sharp'],
  banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
  logLevel: 'warning',
} as const;

export interface ColdStartRow {
  entry: string;
  bytes: number;
  mapBytes: number;
  sdkPackages: string[];
  importMs: number;
  baselineMs: number;
  ratio: number;
  sizePass: boolean;
  ratioPass: boolean;
}

export interface ColdStartOptions {
  projectRoot: string;
  entries: readonly string[];
  /** The environment each entry's Lambda has (from the template), so module-scope config reads succeed. */
  envFor: (entry: string) => Record<string, string>;
  /** Fresh processes per bundle; the median is reported. @default 7 */
  runs?: number;
  outDir: string;
}

/** The `@aws-sdk/*` packages a bundle imports statically (what Node loads at import time). */
function staticSdkImports(meta: Metafile): string[] {
  const found = new Set<string>();
  for (const output of Object.values(meta.outputs)) {
    for (const imp of output.imports) {
      if (imp.external && imp.kind === 'import-statement' && imp.path.startsWith('@aws-sdk/')) found.add(imp.path);
    }
  }
  return [...found].sort();
}

async function bundle(entryPoint: string, outfile: string): Promise<Metafile> {
  const result = await build({ ...CDK_BUNDLING, mainFields: [...CDK_BUNDLING.mainFields], external: [...CDK_BUNDLING.external], entryPoints: [entryPoint], outfile, metafile: true });
  return result.metafile;
}

/** Milliseconds a fresh `node` takes to import a module, as printed by the child. */
function importOnce(file: string, env: Record<string, string>): Promise<number> {
  const code = `const t=performance.now(); await import(${JSON.stringify(file)}); console.log(performance.now()-t)`;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', code], {
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      const lines = out.trim().split('\n');
      const ms = Number(lines[lines.length - 1]);
      if (code !== 0 || !Number.isFinite(ms)) reject(new Error(`importing ${file} failed (exit ${code}): ${err.trim().split('\n').slice(-5).join(' | ')}`));
      else resolve(ms);
    });
  });
}

export async function measureColdStarts(options: ColdStartOptions): Promise<ColdStartRow[]> {
  const runs = options.runs ?? 7;
  rmSync(options.outDir, { recursive: true, force: true });
  mkdirSync(options.outDir, { recursive: true });

  const built: Array<{ entry: string; file: string; baseline: string; sdk: string[] }> = [];
  for (const entry of options.entries) {
    const file = join(options.outDir, entry, 'index.mjs');
    const meta = await bundle(join(options.projectRoot, 'functions', `${entry}.ts`), file);
    const sdk = staticSdkImports(meta);
    // The baseline: the same SDK packages, imported and nothing else, bundled the same way.
    const baselineSrc = join(options.outDir, `${entry}-baseline.ts`);
    writeFileSync(
      baselineSrc,
      sdk.map((p, i) => `import * as sdk${i} from '${p}';`).join('\n') +
        `\nexport const loaded = [${sdk.map((_, i) => `sdk${i}`).join(', ')}];\nexport const handler = async () => ({ statusCode: 200 });\n`,
    );
    const baseline = join(options.outDir, `${entry}-baseline`, 'index.mjs');
    await bundle(baselineSrc, baseline);
    built.push({ entry, file, baseline, sdk });
  }

  const rows: ColdStartRow[] = [];
  for (const b of built) {
    const env = options.envFor(b.entry);
    // Interleaved so that the machine's noise falls on both sides alike; one warm-up pair first
    // (the file system cache), not counted.
    await importOnce(b.file, env);
    await importOnce(b.baseline, env);
    const entryMs: number[] = [];
    const baseMs: number[] = [];
    for (let i = 0; i < runs; i++) {
      entryMs.push(await importOnce(b.file, env));
      baseMs.push(await importOnce(b.baseline, env));
    }
    const bytes = statSync(b.file).size;
    const importMs = median(entryMs);
    const baselineMs = median(baseMs);
    const ratio = importMs / baselineMs;
    rows.push({
      entry: b.entry,
      bytes,
      mapBytes: statSync(`${b.file}.map`).size,
      sdkPackages: b.sdk,
      importMs,
      baselineMs,
      ratio,
      sizePass: bytes < BUNDLE_LIMIT_BYTES,
      ratioPass: ratio <= IMPORT_RATIO_LIMIT,
    });
  }
  return rows;
}
