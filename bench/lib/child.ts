/**
 * Each benchmark section runs in a fresh Node process. Handler modules read their environment
 * and create their SDK clients once per process, and the local runtime allows one runtime per
 * process, so sections with different settings (stubbed SDK, time scale, faults) cannot share one.
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** Runs `module`'s section in a child process (tsx loader) and resolves with what it reported. */
export function runInChild<T>(moduleUrl: string, args: string[] = [], options: { timeoutMs?: number; quiet?: boolean } = {}): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = fork(fileURLToPath(moduleUrl), args, {
      execArgv: ['--import', 'tsx', '--no-warnings', ...(process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [])],
      // Handler logs (Powertools JSON lines) would drown the report: kept out unless asked for.
      stdio: options.quiet === false ? ['ignore', 'inherit', 'inherit', 'ipc'] : ['ignore', 'ignore', 'pipe', 'ipc'],
      env: { ...process.env, BENCH_CHILD: '1' },
    });
    let result: { ok: true; value: T } | { ok: false; error: string } | undefined;
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => {
      stderr = (stderr + d.toString()).slice(-4000);
    });
    const timer = options.timeoutMs ? setTimeout(() => child.kill('SIGKILL'), options.timeoutMs) : undefined;
    child.on('message', (m) => (result = m as typeof result));
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (timer) clearTimeout(timer);
      if (result?.ok) resolve(result.value);
      else reject(new Error(result && !result.ok ? result.error : `${moduleUrl} exited with ${code ?? signal} without a result\n${stderr}`));
    });
  });
}

/** In a section module: runs `main` when the module is the forked child, and reports its result. */
export function childMain<T>(moduleUrl: string, main: (args: string[]) => Promise<T>): void {
  if (!process.send || process.argv[1] !== fileURLToPath(moduleUrl)) return;
  main(process.argv.slice(2)).then(
    (value) => process.send!({ ok: true, value }, () => process.exit(0)),
    (e: unknown) => process.send!({ ok: false, error: e instanceof Error ? (e.stack ?? e.message) : String(e) }, () => process.exit(1)),
  );
}
