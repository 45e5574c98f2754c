/**
 * The functions' clock. On AWS it is the wall clock. The local runtime can make time pass
 * faster (TIME_SCALE, counted from TIME_ORIGIN) so that days of waiting take seconds; every
 * deadline the functions compute then agrees with the scaled timers of the local runtime.
 */
import { hostNow } from './host-hooks.js';

export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** A clock where `scale` seconds of virtual time pass per real second, starting at `origin` (epoch ms). */
export function scaledClock(scale: number, origin: number): Clock {
  if (scale === 1) return systemClock;
  return { now: () => new Date(origin + (Date.now() - origin) * scale) };
}

/** The clock configured by the environment (TIME_SCALE and TIME_ORIGIN; unset means real time). */
export function clockFromEnv(env: NodeJS.ProcessEnv = process.env): Clock {
  const scale = Number(env.TIME_SCALE ?? '1');
  if (!Number.isFinite(scale) || scale <= 0) throw new Error(`Invalid environment: TIME_SCALE must be a positive number, got "${env.TIME_SCALE}"`);
  const origin = env.TIME_ORIGIN ? Number(env.TIME_ORIGIN) : Date.now();
  const scaled = scaledClock(scale, origin);
  // A host that runs the handlers (the local runtime) may hold the clock itself, e.g. stopped
  // while a test moves it by hand; on Lambda no host clock is installed.
  return {
    now: () => {
      const host = hostNow();
      return host === undefined ? scaled.now() : new Date(host);
    },
  };
}
