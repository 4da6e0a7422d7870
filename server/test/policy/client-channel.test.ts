import { describe, expect, it } from 'vitest';
import { clientChannel } from '../../src/policy/client-channel.js';

describe('which client is calling', () => {
  it('recognises the kiosk by its main process user agent or the declared header', () => {
    expect(clientChannel({ 'user-agent': 'MyPass-Kiosk' })).toBe('kiosk');
    expect(clientChannel({ 'user-agent': 'MyPass-Kiosk/1.2.0' })).toBe('kiosk');
    expect(clientChannel({ 'x-mypass-client': 'Kiosk' })).toBe('kiosk');
    expect(clientChannel({ 'x-mypass-client': ['kiosk', 'web'] })).toBe('kiosk');
  });
  it('treats everything else as the web', () => {
    expect(clientChannel({})).toBe('web');
    expect(clientChannel({ 'user-agent': 'Mozilla/5.0 (Windows NT 10.0) MyPass-Kiosk' })).toBe('web');
    expect(clientChannel({ 'user-agent': 'MyPass-KioskX' })).toBe('web');
    // A declared web client stays web even with the kiosk's user agent.
    expect(clientChannel({ 'x-mypass-client': 'web', 'user-agent': 'MyPass-Kiosk' })).toBe('web');
  });
});
