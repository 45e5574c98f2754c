/**
 * What the browser tests share: the system's Chromium, headless, and the local runtime as a
 * shopper's browser and a platform reach it (the generic webhook door, the inbox page, email
 * links opening in a new tab). The helpers read the runtime and the browser context when called,
 * so a test binds them at module scope, before its beforeAll has started either.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type FrameLocator, type Locator, type Page } from 'playwright-core';
import type { Email } from '../../local/outbox.js';
import type { LocalRuntime } from '../../local/runtime.js';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const SHOTS = 'test-results/screenshots';

/** Fails first, with how to fix it, when the machine has no Chromium. */
export function requireChromium(): void {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}: the browser tests need it. Install it with \`apt-get install chromium\` (or set CHROMIUM_PATH).`);
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-quic', '--no-first-run', '--disable-sync'],
  });
}

export function browserHelpers(opts: { runtime: () => LocalRuntime; context?: () => BrowserContext; store: string }) {
  const rt = opts.runtime;
  /** An instant on the runtime's virtual clock, `offsetMs` from its now. */
  const virtualIso = (offsetMs = 0) => new Date(rt().clock.now().getTime() + offsetMs).toISOString();
  return {
    virtualIso,
    shot: (page: Page, name: string) => page.screenshot({ path: join(SHOTS, name), fullPage: true }),

    /** Posts a generic webhook through the runtime's signing helper and expects it accepted. */
    async sendWebhook(type: string, eventId: string, data: Record<string, unknown>): Promise<void> {
      const body = JSON.stringify({ type, timestamp: virtualIso(), store: opts.store, eventId, data });
      const res = await fetch(`${rt().url}/_local/webhooks/generic`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      if (res.status !== 202) throw new Error(`webhook ${eventId} answered ${res.status}: ${await res.text()}`);
    },

    /** Polls the outbox until an email of `kind` for `orderId` is there. */
    async waitForEmail(kind: string, orderId: string, timeoutMs = 30_000): Promise<Email> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = (await rt().outbox()).find((e) => e.kind === kind && e.orderId === orderId);
        if (found) return found;
        if (Date.now() > deadline) {
          const seen = (await rt().outbox()).map((e) => `${e.kind}/${e.orderId}`).join(', ') || 'nothing';
          throw new Error(`no ${kind} email for ${orderId} within ${timeoutMs} ms (outbox: ${seen})`);
        }
        await new Promise((r) => setTimeout(r, 50));
      }
    },

    /** Opens the inbox page with one email selected, as a reader clicking it in the list would. */
    async openInInbox(page: Page, email: Email): Promise<FrameLocator> {
      await page.goto(`${rt().url}/_local/outbox`);
      await page.locator(`nav a[href="?id=${encodeURIComponent(email.messageId)}"]`).click();
      await page.waitForURL(/\?id=/);
      return page.frameLocator('iframe[title="HTML part"]');
    },

    /** Clicks a link inside the rendered email; the inbox opens email links in a new tab. */
    async followEmailLink(link: Locator): Promise<Page> {
      if (!opts.context) throw new Error('followEmailLink needs the browser context: pass `context` to browserHelpers');
      const [tab] = await Promise.all([opts.context().waitForEvent('page'), link.click()]);
      await tab.waitForLoadState();
      return tab;
    },
  };
}
