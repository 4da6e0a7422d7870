import { describe, expect, it } from 'vitest';
import { createFlowOutcomeTracker, type FlowEnd } from '../../src/main/flow-outcome.js';

const token = { flowId: 'f_1', flowToken: 'tok_abcdefghijklmnop' };

describe('createFlowOutcomeTracker', () => {
  it('a 200 to setPassword completes a reset, with the user name typed at the start', () => {
    const ends: FlowEnd[] = [];
    const tracker = createFlowOutcomeTracker((end) => ends.push(end));
    tracker.observe('startFlow', { body: { purpose: 'reset', username: 'ada' } }, { status: 201, body: {} });
    tracker.observe(
      'setPassword',
      { ...token, body: { newPassword: 'N3w-Passw0rd!' } },
      { status: 200, body: {} },
    );
    expect(ends).toEqual([
      { outcome: 'completed', purpose: 'reset', userName: 'ada', newPassword: 'N3w-Passw0rd!' },
    ]);
  });
  it('a refused setPassword ends nothing', () => {
    const ends: FlowEnd[] = [];
    const tracker = createFlowOutcomeTracker((end) => ends.push(end));
    tracker.observe('setPassword', { ...token, body: { newPassword: 'x' } }, { status: 422, body: {} });
    tracker.observe('startFlow', { body: { purpose: 'reset', username: 'ada' } }, { status: 429, body: {} });
    expect(ends).toEqual([]);
  });
  it('enroll completes an enroll flow; cancel reports cancelled with the purpose', () => {
    const ends: FlowEnd[] = [];
    const tracker = createFlowOutcomeTracker((end) => ends.push(end));
    tracker.observe('startFlow', { body: { purpose: 'enroll', username: 'bo' } }, { status: 201, body: {} });
    expect(tracker.purpose).toBe('enroll');
    tracker.observe('enroll', { ...token, body: {} }, { status: 200, body: {} });
    tracker.observe('cancelFlow', token, { status: 204, body: undefined });
    expect(ends).toEqual([
      { outcome: 'completed', purpose: 'enroll', userName: 'bo' },
      { outcome: 'cancelled', purpose: 'enroll', userName: 'bo' },
    ]);
  });
});
