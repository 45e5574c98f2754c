/** The console's sign-in form and its challenge step (a first sign-in's new password, a TOTP code). */
import { html } from '../../pages/html.js';
import { consoleShell } from './layout.js';

export function signInPage(o: { csrf: string; error?: string; username?: string }): string {
  return consoleShell({
    title: 'Sign in',
    body: html`<h1>Sign in</h1>
      ${o.error ? html`<p class="error" role="alert">${o.error}</p>` : ''}
      <form method="post" action="/console/sign-in" class="stack">
        <input type="hidden" name="csrf" value="${o.csrf}">
        <label for="username">Username (your email address)</label>
        <input id="username" name="username" type="text" autocomplete="username" required value="${o.username ?? ''}">
        <label for="password">Password</label>
        <input id="password" name="password" type="password" autocomplete="current-password" required>
        <button type="submit">Sign in</button>
      </form>`,
  });
}

export function challengePage(o: { csrf: string; challenge: 'NEW_PASSWORD_REQUIRED' | 'SOFTWARE_TOKEN_MFA'; session: string; username: string; error?: string }): string {
  const newPassword = o.challenge === 'NEW_PASSWORD_REQUIRED';
  return consoleShell({
    title: newPassword ? 'Choose a password' : 'Authentication code',
    body: html`<h1>${newPassword ? 'Choose a new password' : 'Enter your authentication code'}</h1>
      ${o.error ? html`<p class="error" role="alert">${o.error}</p>` : ''}
      <form method="post" action="/console/sign-in/challenge" class="stack">
        <input type="hidden" name="csrf" value="${o.csrf}">
        <input type="hidden" name="challenge" value="${o.challenge}">
        <input type="hidden" name="session" value="${o.session}">
        <input type="hidden" name="username" value="${o.username}">
        <label for="answer">${newPassword ? 'New password (12 characters or more, with upper and lower case, a digit and a symbol)' : 'Six-digit code from your authenticator'}</label>
        <input id="answer" name="answer" type="${newPassword ? 'password' : 'text'}" autocomplete="${newPassword ? 'new-password' : 'one-time-code'}" required>
        <button type="submit">Continue</button>
      </form>`,
  });
}
