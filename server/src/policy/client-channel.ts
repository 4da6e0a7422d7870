// Which client is calling: the kiosk (its Electron main process is the only thing that talks HTTPS
// for it and sends `User-Agent: MyPass-Kiosk`, or `X-MyPass-Client: kiosk`) or the web page. Both
// headers can be sent by anyone, so a policy's `channels` is advisory: it keeps honest users on the
// channel the organisation wants, it is no access control. Making it one needs the kiosk to prove
// itself, e.g. a client certificate from an internal CA checked by the TLS terminator (README).
export type ClientChannel = 'kiosk' | 'web';

export function clientChannel(headers: Record<string, string | string[] | undefined>): ClientChannel {
  const first = (v: string | string[] | undefined): string => (Array.isArray(v) ? (v[0] ?? '') : (v ?? ''));
  const declared = first(headers['x-mypass-client']).trim().toLowerCase();
  if (declared === 'kiosk') return 'kiosk';
  if (declared === 'web') return 'web';
  return /^MyPass-Kiosk(\/|\s|$)/i.test(first(headers['user-agent']).trim()) ? 'kiosk' : 'web';
}
