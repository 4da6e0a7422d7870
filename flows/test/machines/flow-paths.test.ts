// Path-based tests: xstate/graph walks the machines with the model's events, and every shortest path to a
// terminal screen (and a cancel from every screen) is replayed against a real actor whose transport answers
// exactly what the path's done events say.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createActor } from 'xstate';
import { getShortestPaths, type StatePath } from 'xstate/graph';
import {
  createApiClient,
  type ApiResult,
  type TransportParams,
  type TransportResponse,
} from '../../src/api-client.js';
import { operations, type OperationName } from '../../src/contract.js';
import { enrollMachine } from '../../src/machines/enroll-machine.js';
import type { FlowMachine } from '../../src/machines/flow-machine.js';
import {
  flowModelEvents,
  invocationOperations,
  serializeFlowSnapshot,
  stepOf,
  terminalSteps,
  type FlowModelEvent,
  type FlowModelOptions,
  type FlowSnapshot,
} from '../../src/machines/flow-paths.js';
import { resetMachine } from '../../src/machines/reset-machine.js';

type Path = StatePath<FlowSnapshot, FlowModelEvent>;
const pollIntervalMs = 3_000;
const inert = createApiClient({ request: () => new Promise<never>(() => undefined) });

const modelOptions: FlowModelOptions = {
  problems: {
    startFlow: ['rate_limited', 'directory_unavailable'],
    createChallenge: ['method_not_available', 'too_many_challenges', 'flow_not_found', 'attempts_exhausted'],
    verifyCode: ['code_invalid', 'code_expired', 'attempts_exhausted', 'flow_not_found', 'flow_not_verified'],
    setPassword: ['password_policy', 'directory_unavailable', 'flow_not_verified'],
    verifyPassword: ['password_invalid', 'flow_not_verified'],
    enroll: ['destination_invalid', 'flow_not_verified'],
    confirmEnrollment: ['code_invalid', 'attempts_exhausted'],
  },
  methodsRequired: 'either',
  resend: true,
  cancel: false,
};

function pathsOf(machine: FlowMachine, options: FlowModelOptions): Path[] {
  return getShortestPaths(machine, {
    input: { client: inert, pollIntervalMs },
    events: (s) => flowModelEvents(s, options) as never,
    serializeState: (s) => serializeFlowSnapshot(s),
  }) as unknown as Path[];
}

function toResponse(op: OperationName, output: ApiResult<unknown>): TransportResponse {
  if (output.ok) return { status: operations[op].success.status, body: output.value };
  return { status: output.problem.status, body: output.problem };
}

/** Replays a path on a real actor; the transport holds each request until the path says how it ends. */
async function replay(machine: FlowMachine, steps: Path['steps']) {
  const pending: { op: OperationName; params: TransportParams; resolve: (r: TransportResponse) => void }[] =
    [];
  const calls: OperationName[] = [];
  const client = createApiClient({
    request: (op, params) =>
      new Promise((resolve) => {
        calls.push(op);
        pending.push({ op, params, resolve });
      }),
  });
  const actor = createActor(machine, { input: { client, pollIntervalMs } });
  actor.start();
  for (const [i, step] of steps.entries()) {
    const event = step.event;
    if ((event.type as string) === 'xstate.init') continue;
    if (event.type.startsWith('xstate.done.actor.')) {
      const id = event.type.slice('xstate.done.actor.'.length);
      const op = invocationOperations[id];
      const output = (event as { output: ApiResult<unknown> | null }).output;
      if (op && output) {
        const index = pending.findLastIndex((p) => p.op === op);
        expect(index, `step ${i}: a pending ${op} request`).toBeGreaterThanOrEqual(0);
        const [request] = pending.splice(index, 1);
        request?.resolve(toResponse(op, output));
      }
    } else if (event.type.startsWith('xstate.after.')) {
      await vi.advanceTimersByTimeAsync(pollIntervalMs);
    } else {
      actor.send(event as never);
    }
    await vi.advanceTimersByTimeAsync(0);
    expect(serializeFlowSnapshot(actor.getSnapshot()), `step ${i}: ${event.type}`).toBe(
      serializeFlowSnapshot(step.state),
    );
  }
  return { actor, calls };
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe.each([
  ['reset', resetMachine],
  ['enroll', enrollMachine],
] as const)('%s machine paths', (purpose, machine) => {
  const paths = pathsOf(machine, modelOptions);
  const terminal = paths.filter((p) => (terminalSteps as readonly string[]).includes(stepOf(p.state)));

  it('reaches every terminal screen', () => {
    const reached = new Set(terminal.map((p) => stepOf(p.state)));
    expect([...reached].sort()).toEqual([...terminalSteps].sort());
    const steps = new Set(paths.map((p) => stepOf(p.state)));
    if (purpose === 'reset') expect(steps).toContain('newPassword');
    else
      for (const step of ['enterPassword', 'addMethods', 'confirmNewMethod']) expect(steps).toContain(step);
  });

  it.each(
    terminal.map((p) => [p.steps.map((s) => s.event.type.replace('xstate.done.actor.', '✓')).join(' › '), p]),
  )('%s', async (_, path) => {
    const { actor } = await replay(machine, path.steps);
    const last = stepOf(actor.getSnapshot());
    expect(terminalSteps as readonly string[]).toContain(last);
    // Every terminal screen leads back to a wiped welcome.
    actor.send({ type: last === 'done' ? 'FINISH' : 'START_OVER' });
    expect(stepOf(actor.getSnapshot())).toBe('welcome');
    expect(actor.getSnapshot().context).toMatchObject({ flow: null, username: '', passwordDraft: '' });
  });

  // One cancel per screen (the shortest path to it): cancel does not depend on how the screen was reached.
  const cancellable = new Map<string, Path>();
  for (const p of paths) {
    const step = stepOf(p.state);
    const known = cancellable.get(step);
    if (!['welcome', 'cancelling'].includes(step) && (!known || known.steps.length > p.steps.length)) {
      cancellable.set(step, p);
    }
  }
  it.each([...cancellable])('cancels from %s', async (_, path) => {
    const { actor, calls } = await replay(machine, path.steps);
    const hadFlow = actor.getSnapshot().context.flow !== null;
    actor.send({ type: 'CANCEL' });
    await vi.advanceTimersByTimeAsync(0);
    if (hadFlow) {
      expect(calls.at(-1)).toBe('cancelFlow');
    }
    expect(stepOf(actor.getSnapshot())).toBe(hadFlow ? 'cancelling' : 'welcome');
  });
});
