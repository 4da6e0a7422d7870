// Lists of addresses and networks (`10.20.0.5`, `10.20.0.0/24`, `::1`, `fd00::/8`) from the
// configuration, matched with Node's BlockList. An IPv4 client seen through a dual-stack socket
// (`::ffff:10.20.0.5`) matches its IPv4 entries.
import { BlockList, isIP } from 'node:net';

/** Why an entry is not an address or network, or null when it is one. */
export function addressEntryProblem(entry: string): string | null {
  const [address = '', prefix, ...rest] = entry.split('/');
  const family = isIP(address);
  if (family === 0 || rest.length > 0) return `"${entry}" is not an IP address or CIDR network`;
  if (prefix === undefined) return null;
  const bits = Number(prefix);
  const max = family === 4 ? 32 : 128;
  return /^\d{1,3}$/.test(prefix) && bits <= max ? null : `"${entry}" has no valid prefix length (0-${max})`;
}

/** A matcher for `entries` (each valid per addressEntryProblem; invalid ones match nothing). */
export function addressMatcher(entries: readonly string[]): (address: string) => boolean {
  const list = new BlockList();
  for (const entry of entries) {
    if (addressEntryProblem(entry) !== null) continue;
    const [address = '', prefix] = entry.split('/');
    const type = isIP(address) === 4 ? 'ipv4' : 'ipv6';
    if (prefix === undefined) list.addAddress(address, type);
    else list.addSubnet(address, Number(prefix), type);
  }
  return (address) => {
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
    const candidate = mapped ?? address;
    const family = isIP(candidate);
    return family !== 0 && list.check(candidate, family === 4 ? 'ipv4' : 'ipv6');
  };
}
