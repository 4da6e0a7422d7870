// The client a per-address limit counts (threat-model.md T4): one bucket per IPv4 address and per
// IPv6 /64 (what one host or home network is given, so rotating addresses inside it is still one
// client), whatever spelling or port the address arrives with.
import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';

/** Everything that is not an IP address shares one bucket: junk cannot mint fresh ones. */
export const unparsableAddressKey = 'invalid';

/** `203.0.113.7:51000` and `[2001:db8::1]:443` (proxies such as Azure Application Gateway append the port). */
function withoutPort(address: string): string {
  const bracketed = /^\[([^\]]+)\](?::\d{1,5})?$/.exec(address);
  if (bracketed?.[1] !== undefined) return bracketed[1];
  const ipv4WithPort = /^(\d{1,3}(?:\.\d{1,3}){3}):\d{1,5}$/.exec(address);
  return ipv4WithPort?.[1] ?? address;
}

/**
 * The key of `address` for the per-address limit: an IPv4 address as itself (also when it came as
 * `::ffff:a.b.c.d`), an IPv6 address as its /64 prefix, anything else as `unparsableAddressKey`.
 */
export function clientAddressKey(address: string): string {
  const bare = withoutPort(address.trim());
  // Node's check is strict (no octal or shortened IPv4 forms that ipaddr.js would also accept).
  if (isIP(bare) === 0) return unparsableAddressKey;
  const parsed = ipaddr.parse(bare);
  if (parsed.kind() === 'ipv4') return parsed.toString();
  const v6 = parsed as ipaddr.IPv6;
  if (v6.isIPv4MappedAddress()) return v6.toIPv4Address().toString();
  return `${new ipaddr.IPv6([...v6.parts.slice(0, 4), 0, 0, 0, 0]).toString()}/64`;
}
