import { describe, expect, it } from 'vitest';
import { addressEntryProblem, addressMatcher } from '../../src/http/address-list.js';

describe('address lists', () => {
  it('accepts addresses and CIDR networks of both families, and nothing else', () => {
    for (const ok of ['10.20.0.5', '10.20.0.0/24', '0.0.0.0/0', '::1', 'fd00::/8', '2001:db8::/128']) {
      expect(addressEntryProblem(ok), ok).toBeNull();
    }
    for (const bad of [
      'prometheus',
      '10.20.0.0/',
      '10.20.0.0/33',
      '::1/129',
      '10.0.0.1/8/8',
      '1.2.3.4/x',
      '',
    ]) {
      expect(addressEntryProblem(bad), bad).not.toBeNull();
    }
  });

  it('matches members of the listed networks, IPv4 seen through a dual-stack socket included', () => {
    const allowed = addressMatcher(['10.20.0.0/24', '127.0.0.1', 'fd00::/8', 'not an address']);
    expect(['10.20.0.1', '10.20.0.255', '127.0.0.1', '::ffff:10.20.0.9', 'fd12::1'].map(allowed)).toEqual([
      true,
      true,
      true,
      true,
      true,
    ]);
    expect(
      ['10.20.1.1', '127.0.0.2', '::1', 'fe80::1', '', 'garbage', '::ffff:10.21.0.1'].map(allowed),
    ).toEqual([false, false, false, false, false, false, false]);
  });
});
