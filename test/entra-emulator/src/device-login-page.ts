// A minimal stand-in for https://microsoft.com/devicelogin, so a person running the demo can
// finish `mypass branding --device-code` in a browser: the user code, then an administrator's user
// name and password (the demo tenant's README lists them). Loopback only, like all of /_emulator/.
import type { EmuRequest, EmuResponse } from './http-types.js';
import { decideDeviceCode } from './device-code.js';
import { findUser, type Tenant } from './tenant.js';
import type { TokenServiceContext } from './token-service.js';

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function page(message: string, status = 200): EmuResponse {
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Enter code — Entra ID emulator</title></head>
<body style="font-family:sans-serif;max-width:28rem;margin:3rem auto">
<h1>Sign in to a device</h1>
<p>${escapeHtml(message)}</p>
<form method="post">
<p><label>Code <input name="code" autocomplete="off" required></label></p>
<p><label>User name <input name="username" autocomplete="username" required></label></p>
<p><label>Password <input name="password" type="password" autocomplete="current-password" required></label></p>
<p><button type="submit">Sign in</button></p>
</form>
<p><small>Entra ID emulator — test infrastructure only.</small></p>
</body></html>`;
  return { status, headers: { 'content-type': 'text/html; charset=utf-8' }, body: html };
}

export function deviceLoginPage(tenant: Tenant, tokens: TokenServiceContext, req: EmuRequest): EmuResponse {
  if (req.method === 'GET') return page('Enter the code shown by the application, then sign in.');
  if (req.method !== 'POST') return { status: 405 };
  const form = new URLSearchParams(req.bodyText);
  const user = findUser(tenant, form.get('username') ?? '');
  // The same answer for an unknown user and a wrong password, as Entra's sign-in page gives.
  if (!user || user.password !== (form.get('password') ?? '')) {
    return page('Your account or password is incorrect.', 400);
  }
  const outcome = decideDeviceCode(tokens, form.get('code') ?? '', {
    approveAs: user.user.userPrincipalName,
  });
  if (outcome === true)
    return page('You have signed in. You can close this window and return to the application.');
  return page(
    outcome === 'no_such_code' ? 'That code is not valid or has expired.' : 'This account cannot sign in.',
    400,
  );
}
