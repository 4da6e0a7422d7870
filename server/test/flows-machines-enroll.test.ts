// Path-based tests of the enroll machine against the real server in-process (testing.md): xstate/graph walks
// the machine with the model of @mypass/flows, and each shortest path to a terminal screen — plus each
// problem screen and a cancel from every screen — is replayed by a real actor whose transport is app.inject,
// with the Entra ID emulator behind the real connector (msal-node's password grant included) and every code
// read from the demo outbox. Each replay gets a fresh store, so enrollments and password budgets of one path
// never decide another's.
import type { RunningEmulator } from '@mypass/entra-emulator';
import { createApiClient, enrollMachine, maskEmail, maskPhone, type Transport } from '@mypass/flows';
import {
  flowModelEvents,
  serializeFlowSnapshot,
  stepOf,
  terminalSteps,
  type FlowModelEvent,
  type FlowModelOptions,
  type FlowSnapshot,
} from '@mypass/flows/machines/flow-paths';
import type { NewMethod } from '@mypass/flows/machines/new-methods';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActor, waitFor, type Actor } from 'xstate';
import { getShortestPaths, type StatePath } from 'xstate/graph';
import type { EntraDirectory } from '../src/directory/entra-directory.js';
import { buildAppWithDelivery, testConfig, type AppWithDelivery } from './app/test-app.js';
import { injectTransport, outcomeOf } from './flow-machine-transport.js';
import { startEmulatorDirectory, type EmulatorDirectory } from './directory/emulator-config.js';

type Path = StatePath<FlowSnapshot, FlowModelEvent>;

let emu: RunningEmulator;
let directory: EntraDirectory;
let tenant: EmulatorDirectory | undefined;

beforeAll(async () => {
  tenant = await startEmulatorDirectory();
  ({ emu, directory } = tenant);
}, 60_000);

afterAll(async () => {
  await tenant?.close();
});

interface Server extends AppWithDelivery {
  transport: Transport;
}

/** A fresh API (own SQLite store, demo delivery) over the shared emulator. */
async function startServer(): Promise<Server> {
  const server = await buildAppWithDelivery({
    directory,
    config: testConfig({
      demo: true,
      limits: { resendCooldownSeconds: 0 },
      access: {
        licensedGroups: [emu.groups['MyPass Licensed'] ?? ''],
        policies: [{ name: 'default' }],
      },
    }),
    delivery: { sms: { provider: 'demo' }, email: { provider: 'demo' } },
    store: 'sqlite',
  });
  return { ...server, transport: injectTransport(server.app) };
}

const adele = {
  username: 'adele.vance@contoso.example',
  password: 'Contoso-Harbour-2026!',
  phone: '+4520123456',
  email: 'adele.vance@gmail.example',
};
const newMethods: NewMethod[] = [
  { kind: 'sms', phone: '+4520123499' },
  { kind: 'email', email: 'adele.private@example.org' },
];
const destinationOf = (m: NewMethod) => (m.kind === 'sms' ? m.phone : m.email);
const hintOf = (m: NewMethod) => (m.kind === 'sms' ? maskPhone(m.phone) : maskEmail(m.email));

const options: FlowModelOptions = {
  username: adele.username,
  confirmations: { sms: '20 12 34 56', email: 'adele.vance@gmail.example' },
  methodsRequired: 1,
  problems: {
    verifyCode: ['code_invalid'],
    verifyPassword: ['password_invalid'],
    confirmEnrollment: ['code_invalid'],
  },
  newMethods,
  poll: false,
  cancel: false,
};

/** The newest code the demo outbox holds for a destination. */
async function codeFor(server: Server, to: string): Promise<string> {
  await server.delivery.worker.drainOnce();
  const code = server.delivery.demoOutbox?.list().find((m) => m.to === to && m.code !== undefined)?.code;
  if (!code) throw new Error(`no code for ${to} in the demo outbox`);
  return code;
}

async function replay(server: Server, steps: Path['steps']): Promise<Actor<typeof enrollMachine>> {
  const actor = createActor(enrollMachine, {
    input: {
      client: createApiClient(server.transport),
      // Polling and inactivity are the scripted tests' business; here they would race the path.
      pollIntervalMs: 3_600_000,
      inactivityMs: 3_600_000,
    },
  });
  actor.start();
  for (const [i, step] of steps.entries()) {
    const event = step.event;
    const outcome = outcomeOf(steps[i + 1]?.event);
    const right = outcome?.ok === true;
    if ((event.type as string) === 'xstate.init' || event.type.startsWith('xstate.done.actor.')) {
      // The server answers by itself; the check below waits for the answer the path expects.
    } else if (event.type === 'SUBMIT_CODE') {
      const { methods, selectedMethodId } = actor.getSnapshot().context;
      const kind = methods.find((m) => m.id === selectedMethodId)?.kind;
      const code = await codeFor(server, kind === 'email' ? adele.email : adele.phone);
      actor.send({ type: 'SUBMIT_CODE', code: right ? code : code === '000000' ? '111111' : '000000' });
    } else if (event.type === 'SUBMIT_CURRENT_PASSWORD') {
      actor.send({
        type: 'SUBMIT_CURRENT_PASSWORD',
        password: right ? adele.password : 'Contoso-Wrong-2026!',
      });
    } else if (event.type === 'SUBMIT_ENROLLMENT_CODE') {
      const pending = actor.getSnapshot().context.pendingMethods[0];
      const method = newMethods.find((m) => m.kind === pending?.kind && hintOf(m) === pending.hint);
      if (!method) throw new Error(`step ${i}: no new method for the pending hint ${pending?.hint}`);
      const code = await codeFor(server, destinationOf(method));
      actor.send({
        type: 'SUBMIT_ENROLLMENT_CODE',
        code: right ? code : code === '000000' ? '111111' : '000000',
      });
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

const inert = createApiClient({ request: () => new Promise<never>(() => undefined) });
const paths = getShortestPaths(enrollMachine, {
  input: { client: inert },
  events: (s) => flowModelEvents(s, options) as never,
  serializeState: (s) => serializeFlowSnapshot(s),
}) as unknown as Path[];
const terminal = paths.filter((p) => (terminalSteps as readonly string[]).includes(stepOf(p.state)));
const name = (p: Path) => p.steps.map((s) => s.event.type.replace('xstate.done.actor.', '✓')).join(' › ');

describe('enroll machine against the real server: adele.vance', () => {
  it('has paths through the password and each new method to done', () => {
    const steps = new Set(paths.map((p) => stepOf(p.state)));
    for (const step of ['enterPassword', 'addMethods', 'confirmNewMethod', 'done'])
      expect(steps).toContain(step);
  });

  it.each(terminal.map((p) => [name(p), p] as const))(
    '%s',
    async (_, path) => {
      const server = await startServer();
      try {
        const actor = await replay(server, path.steps);
        const snapshot = actor.getSnapshot();
        if (stepOf(snapshot) === 'done') {
          // Both new methods are stored, each announced to the phone and the address adele already had.
          expect(snapshot.context.enrolledMethods.map((m) => m.kind)).toEqual(['sms', 'email']);
          expect(snapshot.context.holdHours).toBe(72);
          await server.delivery.worker.drainOnce();
          const announcements = (server.delivery.demoOutbox?.list() ?? []).filter(
            (m) => m.code === undefined,
          );
          // Each new method is announced to the methods adele had before it, never with a code in it.
          for (const before of [adele.phone, adele.email]) {
            expect(
              announcements.filter((m) => m.to === before),
              before,
            ).toHaveLength(2);
          }
        }
        actor.stop();
      } finally {
        await server.close();
      }
    },
    60_000,
  );

  // Screens that show a problem the server answered (a wrong code, a wrong password, a wrong new-method code).
  const problems = paths.filter((p) => p.state.context.error !== null && !terminal.includes(p));
  it.each(problems.map((p) => [serializeFlowSnapshot(p.state), p] as const))(
    'shows %s',
    async (_, path) => {
      const server = await startServer();
      try {
        const actor = await replay(server, path.steps);
        expect(actor.getSnapshot().context.error?.code).toBe(path.state.context.error?.code);
        actor.stop();
      } finally {
        await server.close();
      }
    },
    60_000,
  );

  // A cancel from every screen deletes the flow on the server: its token no longer opens it.
  const screens = new Map<string, Path>();
  for (const p of paths) {
    const step = stepOf(p.state);
    const known = screens.get(step);
    if (
      ['enterCode.waitingForDelivery', 'enterPassword', 'addMethods', 'confirmNewMethod'].includes(step) &&
      (!known || known.steps.length > p.steps.length)
    ) {
      screens.set(step, p);
    }
  }
  it.each([...screens])(
    'cancels from %s',
    async (_, path) => {
      const server = await startServer();
      try {
        const actor = await replay(server, path.steps);
        const flow = actor.getSnapshot().context.flow;
        actor.send({ type: 'CANCEL' });
        await waitFor(actor, (s) => stepOf(s) === 'welcome', { timeout: 10_000 });
        expect(flow).not.toBeNull();
        if (flow) {
          const after = await createApiClient(server.transport).getFlow(flow);
          expect(!after.ok && after.problem.code).toBe('flow_not_found');
        }
        actor.stop();
      } finally {
        await server.close();
      }
    },
    60_000,
  );
});
