import { describe, expect, it } from 'vitest';
import { createFlowOutcomeTracker, createLeaveHandler, type FlowEnd } from '../../src/main/flow-outcome.js';

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
  it('the last confirmed new method completes an enroll flow; cancel reports cancelled with the purpose', () => {
    const ends: FlowEnd[] = [];
    const tracker = createFlowOutcomeTracker((end) => ends.push(end));
    tracker.observe('startFlow', { body: { purpose: 'enroll', username: 'bo' } }, { status: 201, body: {} });
    expect(tracker.purpose).toBe('enroll');
    // Codes on their way, then one of two new methods confirmed: not finished yet.
    tracker.observe('enroll', { ...token, body: {} }, { status: 202, body: { state: 'verified' } });
    tracker.observe(
      'confirmEnrollment',
      { ...token, body: {} },
      { status: 200, body: { state: 'verified' } },
    );
    expect(ends).toEqual([]);
    tracker.observe(
      'confirmEnrollment',
      { ...token, body: {} },
      { status: 200, body: { state: 'completed' } },
    );
    tracker.observe('cancelFlow', token, { status: 204, body: undefined });
    expect(ends).toEqual([
      { outcome: 'completed', purpose: 'enroll', userName: 'bo' },
      { outcome: 'cancelled', purpose: 'enroll', userName: 'bo' },
    ]);
  });
});

describe('createLeaveHandler', () => {
  function setup(runMode: 'tile' | 'standing', cancelStatus = 204) {
    const ends: FlowEnd[] = [];
    const requests: unknown[][] = [];
    const tracker = createFlowOutcomeTracker((end) => ends.push(end));
    const leave = createLeaveHandler({
      runMode,
      tracker,
      request: async (op, params) => {
        requests.push([op, params]);
        return { status: cancelStatus, body: undefined };
      },
      finish: (end) => ends.push(end),
    });
    return { ends, requests, tracker, leave };
  }

  it('on the welcome screen (no flow) ends the run as cancelled without calling the API', async () => {
    const { ends, requests, leave } = setup('tile');
    expect(await leave()).toBe(true);
    expect(requests).toEqual([]);
    expect(ends).toEqual([{ outcome: 'cancelled', purpose: 'reset' }]);
  });
  it('cancels the open flow on the server first, then ends as cancelled for that flow', async () => {
    const { ends, requests, tracker, leave } = setup('tile');
    tracker.observe(
      'startFlow',
      { body: { purpose: 'enroll', username: 'bo' } },
      { status: 201, body: token },
    );
    expect(tracker.openFlow).toEqual(token);
    expect(await leave()).toBe(true);
    expect(requests).toEqual([['cancelFlow', token]]);
    expect(ends).toEqual([{ outcome: 'cancelled', purpose: 'enroll', userName: 'bo' }]);
  });
  it('still ends the run when the DELETE fails (the flow expires on the server by itself)', async () => {
    const ends: FlowEnd[] = [];
    const tracker = createFlowOutcomeTracker(() => undefined);
    tracker.observe(
      'startFlow',
      { body: { purpose: 'reset', username: 'ada' } },
      { status: 201, body: token },
    );
    const leave = createLeaveHandler({
      runMode: 'tile',
      tracker,
      request: () => Promise.reject(new Error('offline')),
      finish: (end) => ends.push(end),
    });
    expect(await leave()).toBe(true);
    expect(ends).toEqual([{ outcome: 'cancelled', purpose: 'reset', userName: 'ada' }]);
  });
  it('forgets a flow once it completed or was cancelled, so leave does not DELETE it again', async () => {
    const { requests, tracker, leave } = setup('tile');
    tracker.observe(
      'startFlow',
      { body: { purpose: 'reset', username: 'ada' } },
      { status: 201, body: token },
    );
    tracker.observe('cancelFlow', token, { status: 204, body: undefined });
    expect(tracker.openFlow).toBeUndefined();
    await leave();
    expect(requests).toEqual([]);
  });
  it('is refused in standing mode (the kiosk never exits there) and after the first call', async () => {
    const standing = setup('standing');
    standing.tracker.observe('startFlow', { body: { purpose: 'reset' } }, { status: 201, body: token });
    expect(await standing.leave()).toBe(false);
    expect(standing.requests).toEqual([]);
    expect(standing.ends).toEqual([]);
    const tile = setup('tile');
    expect(await tile.leave()).toBe(true);
    expect(await tile.leave()).toBe(false);
    expect(tile.ends).toHaveLength(1);
  });
});
