// The one origin the kiosk's pages may have: app://mypass. `new URL('app://x').origin` is "null" in
// Node and Chromium (a non-special scheme), so origin checks compare protocol and host instead.

export const appScheme = 'app';
export const appHost = 'mypass';
export const appEntryUrl = `${appScheme}://${appHost}/index.html`;

/** True only for URLs on app://mypass (any path); anything unparsable is foreign. */
export function isAppUrl(url: string): boolean {
  try {
    const parsed = new URL(url);
    return (
      parsed.protocol === `${appScheme}:` &&
      parsed.host === appHost &&
      parsed.username === '' &&
      parsed.password === ''
    );
  } catch {
    return false;
  }
}
