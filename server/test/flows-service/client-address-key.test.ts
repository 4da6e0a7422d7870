// The per-address limit's key: one client per IPv4 address and per IPv6 /64, whatever the spelling.
import { describe, expect, it } from 'vitest';
import { clientAddressKey, unparsableAddressKey } from '../../src/flows-service/client-address-key.js';

describe('clientAddressKey', () => {
  it('keys an IPv4 address as itself, with or without a port or the IPv4-mapped IPv6 form', () => {
    for (const form of ['203.0.113.7', '203.0.113.7:51000', '::ffff:203.0.113.7', '[::ffff:203.0.113.7]:443'])
      expect(clientAddressKey(form)).toBe('203.0.113.7');
    expect(clientAddressKey('203.0.113.8')).toBe('203.0.113.8');
  });

  it('keys every IPv6 address of one /64 alike, however it is written', () => {
    const key = clientAddressKey('2001:db8:1:2::1');
    expect(key).toBe('2001:db8:1:2::/64');
    for (const form of [
      '2001:db8:1:2:ffff:ffff:ffff:ffff',
      '2001:0DB8:0001:0002:0000:0000:0000:0abc',
      '[2001:db8:1:2::42]:8443',
      ' 2001:db8:1:2::7 ',
    ])
      expect(clientAddressKey(form)).toBe(key);
    expect(clientAddressKey('2001:db8:1:3::1')).not.toBe(key);
    // A link-local address with its zone is one more /64.
    expect(clientAddressKey('fe80::1%eth0')).toBe('fe80::/64');
  });

  it('puts anything that is not an address into one shared bucket', () => {
    for (const junk of ['', 'unknown', '010.0.0.1', '1.2.3', '999.1.1.1', '[::1', 'x'.repeat(300)])
      expect(clientAddressKey(junk)).toBe(unparsableAddressKey);
  });
});
