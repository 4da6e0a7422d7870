// Path-based tests of the flows' reset machine against the real server in-process (testing.md): xstate/graph
// walks the machine with the model of @mypass/flows, and each shortest path to a terminal screen — and a
// cancel from every screen — is replayed by a real actor whose transport is app.inject, with the Entra ID
// emulator behind the real connector and codes read from the demo outbox.
import type { RunningEmulator } from '@mypass/entra-emulator';
import { createApiClient, resetMachine } from '@mypass/flows';
import {
  flowModelEvents,
  serializeFlowSnapshot,
  stepOf,
  terminalSteps,
  type FlowModelEvent,
  type FlowModelOptions,
  type FlowSnapshot,
} from '@mypass/flows/machines/flow-paths';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActor, waitFor, type Actor } from 'xstate';
import { getShortestPaths, type StatePath } from 'xstate/graph';
import type { Delivery } from '../src/delivery/delivery.js';
import type { EntraDirectory } from '../src/directory/entra-directory.js';
import { buildAppWithDelivery, testConfig, type AppWithDelivery } from './app/test-app.js';
import { injectTransport, outcomeOf } from './flow-machine-transport.js';
import { startEmulatorDirectory, type EmulatorDirectory } from './directory/emulator-config.js';

type Path = StatePath<FlowSnapshot, FlowModelEvent>;

let emu: RunningEmulator;
let directory: EntraDirectory;
let tenant: EmulatorDirectory | undefined;
let server: AppWithDelivery | undefined;
let delivery: Delivery;
let app: FastifyInstance;

beforeAll(async () => {
  tenant = await startEmulatorDirectory();
  ({ emu, directory } = tenant);
  const many = { max: 10_000, windowSeconds: 3600 };
  server = await buildAppWithDelivery({
    directory,
    config: testConfig({
      demo: true,
      // Many flows for the same people in one run: the limits are proven in server/test/security.
      limits: {
        startsPerName: many,
        startsPerUser: many,
        startsPerAddress: many,
        codesPerDestination: many,
        codesPerUser: many,
        failures: many,
        // The per-destination cool-down spans flows; the paths start a new flow for the same people at once.
        resendCooldownSeconds: 0,
      },
      access: {
        licensedGroups: [emu.groups['MyPass Licensed'] ?? ''],
        policies: [
          { name: 'two-methods', groups: [emu.groups['MyPass Two Methods'] ?? ''], methodsRequired: 2 },
          { name: 'default' },
        ],
      },
    }),
    delivery: { sms: { provider: 'demo' }, email: { provider: 'demo' } },
  });
  ({ app, delivery } = server);
}, 60_000);

afterAll(async () => {
  await server?.close();
  await tenant?.close();
});

/** The newest code the demo outbox holds (one flow runs at a time). */
async function latestCode(): Promise<string> {
  await delivery.worker.drainOnce();
  const code = delivery.demoOutbox?.list().find((m) => m.code !== undefined)?.code;
  if (!code) throw new Error('no code in the demo outbox');
  return code;
}

let passwordSerial = 0;
/** Client-side rules accept it; the emulator's banned list (contoso, mypass) rejects it: rejected_by_directory. */
const bannedByDirectory = 'ContosoMypass!7';

async function replay(steps: Path['steps']): Promise<Actor<typeof resetMachine>> {
  delivery.demoOutbox?.clear();
  const actor = createActor(resetMachine, {
    input: {
      client: createApiClient(injectTransport(app)),
      // Polling and inactivity are the scripted tests' business; here they would race the path.
      pollIntervalMs: 3_600_000,
      inactivityMs: 3_600_000,
    },
  });
  actor.start();
  for (const [i, step] of steps.entries()) {
    const event = step.event;
    if ((event.type as string) === 'xstate.init' || event.type.startsWith('xstate.done.actor.')) {
      // The server answers by itself; the check below waits for the answer the path expects.
    } else if (event.type === 'SUBMIT_CODE') {
      const outcome = outcomeOf(steps[i + 1]?.event);
      const right = await latestCode();
      const wrong = right === '000000' ? '111111' : '000000';
      if (outcome?.ok) {
        actor.send({ type: 'SUBMIT_CODE', code: right });
      } else if (outcome?.problem.code === 'attempts_exhausted') {
        // Wrong codes until the server declares the flow dead; the next step checks the dead end.
        for (let n = 0; n < 10 && stepOf(actor.getSnapshot()) !== 'attemptsExhausted'; n++) {
          actor.send({ type: 'SUBMIT_CODE', code: wrong });
          await waitFor(actor, (s) => stepOf(s) !== 'verifyingCode', { timeout: 10_000 });
        }
        continue;
      } else {
        actor.send({ type: 'SUBMIT_CODE', code: wrong });
      }
    } else if (event.type === 'SUBMIT_PASSWORD') {
      const outcome = outcomeOf(steps[i + 1]?.event);
      const password = outcome?.ok === false ? bannedByDirectory : `Bl8ckCoffee!Morning${++passwordSerial}`;
      actor.send({ type: 'SUBMIT_PASSWORD', password });
    } else {
      actor.send(event as Parameters<typeof actor.send>[0]);
    }
    const expected = serializeFlowSnapshot(step.state);
    await waitFor(actor, (s) => serializeFlowSnapshot(s) === expected, { timeout: 10_000 }).catch(() => {
      expect(serializeFlowSnapshot(actor.getSnapshot()), `step ${i}: ${event.type}`).toBe(expected);
    });
  }
  return actor;
}

function pathsFor(options: FlowModelOptions): Path[] {
  const inert = createApiClient({ request: () => new Promise<never>(() => undefined) });
  return getShortestPaths(resetMachine, {
    input: { client: inert },
    events: (s) => flowModelEvents(s, options) as never,
    serializeState: (s) => serializeFlowSnapshot(s),
  }) as unknown as Path[];
}

const name = (p: Path) => p.steps.map((s) => s.event.type.replace('xstate.done.actor.', '✓')).join(' › ');

describe.each([
  {
    who: 'adele.vance (one method)',
    options: {
      username: 'adele.vance@contoso.example',
      confirmations: { sms: '20 12 34 56', email: 'adele.vance@gmail.example' },
      methodsRequired: 1,
      problems: { verifyCode: ['code_invalid', 'attempts_exhausted'], setPassword: ['password_policy'] },
      poll: false,
      cancel: false,
    } satisfies FlowModelOptions,
  },
  {
    who: 'lee.gu (two-method policy)',
    options: {
      username: 'lee.gu@contoso.example',
      confirmations: { sms: '07400 123456', email: 'lee.gu@personal.example' },
      methodsRequired: 2,
      poll: false,
      cancel: false,
    } satisfies FlowModelOptions,
  },
])('reset machine against the real server: $who', ({ options }) => {
  const paths = pathsFor(options);
  const terminal = paths.filter((p) => (terminalSteps as readonly string[]).includes(stepOf(p.state)));

  it('has paths to the terminal screens the server can produce', () => {
    const reached = new Set(terminal.map((p) => stepOf(p.state)));
    expect(reached).toContain('done');
    if (options.problems?.verifyCode) expect(reached).toContain('attemptsExhausted');
  });

  it.each(terminal.map((p) => [name(p), p] as const))(
    '%s',
    async (_, path) => {
      const actor = await replay(path.steps);
      const snapshot = actor.getSnapshot();
      if (stepOf(snapshot) === 'done') {
        expect(snapshot.context.verified).toHaveLength(options.methodsRequired);
      }
      actor.stop();
    },
    60_000,
  );

  // Screens that show a problem the server answered (a wrong code, a password the directory rejects).
  const problems = paths.filter((p) => p.state.context.error !== null && !terminal.includes(p));
  it.each(problems.map((p) => [serializeFlowSnapshot(p.state), p] as const))(
    'shows %s',
    async (_, path) => {
      const actor = await replay(path.steps);
      expect(actor.getSnapshot().context.error?.code).toBe(path.state.context.error?.code);
      if (path.state.context.error?.code === 'password_policy') {
        expect(actor.getSnapshot().context.serverViolations).toEqual(['rejected_by_directory']);
      }
      actor.stop();
    },
    60_000,
  );

  // A cancel from every screen deletes the flow on the server: its token no longer opens it.
  const screens = new Map<string, Path>();
  for (const p of paths) {
    const step = stepOf(p.state);
    const known = screens.get(step);
    if (
      !['welcome', 'cancelling', 'startingFlow'].includes(step) &&
      (!known || known.steps.length > p.steps.length)
    ) {
      screens.set(step, p);
    }
  }
  it.each([...screens])(
    'cancels from %s',
    async (_, path) => {
      const actor = await replay(path.steps);
      const flow = actor.getSnapshot().context.flow;
      actor.send({ type: 'CANCEL' });
      await waitFor(actor, (s) => stepOf(s) === 'welcome', { timeout: 10_000 });
      expect(actor.getSnapshot().context.flow).toBeNull();
      if (flow) {
        const after = await createApiClient(injectTransport(app)).getFlow(flow);
        if (stepOf(path.state) === 'done') {
          // A completed reset stays completed (kept for the record); there is nothing left to cancel.
          expect(after.ok && after.value.state).toBe('completed');
        } else {
          expect(!after.ok && after.problem.code).toBe(
            stepOf(path.state) === 'attemptsExhausted' ? 'attempts_exhausted' : 'flow_not_found',
          );
        }
      }
      actor.stop();
    },
    60_000,
  );
});
