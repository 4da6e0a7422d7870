// Rows sealed with one code key, as the flows would leave them: enrolled methods (confirmed and
// pending), queued and sent outbox messages, a flow offering a phone, and a live and an expired
// challenge. Shared by the
// store tests of key rotation and the `mypass keys` command tests.
import type { CodeKeyConfig } from '../../src/store/code-keyring.js';
import type { Store } from '../../src/store/store.js';

export const keyA: CodeKeyConfig = { id: 'kA', secret: 'rotation-test-secret-A-0123456789abcdefgh' };
export const keyB: CodeKeyConfig = { id: 'kB', secret: 'rotation-test-secret-B-0123456789abcdefgh' };
/** A key the configuration under test never holds. */
export const keyC: CodeKeyConfig = { id: 'kC', secret: 'rotation-test-secret-C-0123456789abcdefgh' };

export interface SealedRows {
  /** userId → the clear destinations of their enrollments, in creation order. */
  destinations: Map<string, string[]>;
  confirmed: number;
  pending: number;
  /** Ids of the queued outbox messages, with their clear payload text. */
  queued: Map<string, string>;
  sentId: string;
  /** The flow's id and the full number of the method it offers (sealed in the flow row). */
  flowId: string;
  flowDestination: string;
  /** Challenges: one live, one expired (both signed with the store's current key). */
  liveChallengeId: string;
  expiredChallengeId: string;
}

/**
 * Seals `users` users' enrollments (two confirmed and one pending each) and two queued messages
 * with `store`'s current key; `tag` keeps ids and destinations apart between calls.
 */
export async function sealRows(store: Store, tag: string, users = 2, now = new Date()): Promise<SealedRows> {
  const destinations = new Map<string, string[]>();
  let confirmed = 0;
  let pending = 0;
  for (let u = 0; u < users; u++) {
    const userId = `user-${tag}-${u}`;
    const mine: string[] = [];
    for (let e = 0; e < 3; e++) {
      const destination =
        e === 1 ? `${tag}.${u}@example.org` : `+45201${String(u).padStart(2, '0')}${e}${tag.length}7`;
      mine.push(destination);
      const id = `enr-${tag}-${u}-${e}`;
      await store.enrollments.create({
        id,
        userId,
        kind: e === 1 ? 'email' : 'sms',
        destination,
        hint: '••7',
        flowId: `flow-${tag}`,
        challengeId: `ch-${tag}-${u}-${e}`,
      });
      if (e < 2) {
        await store.enrollments.confirm(id, now, now);
        confirmed++;
      } else pending++;
    }
    destinations.set(userId, mine);
  }
  const queued = new Map<string, string>();
  for (let m = 0; m < 2; m++) {
    const text = `Your code is 4${m}1${tag.length}9${m}`;
    const message = await store.outbox.enqueue({
      channel: 'sms',
      destination: `+4520999${m}${tag.length}0`,
      payload: { text, code: `4${m}1${tag.length}9${m}`, template: 'code', locale: 'en' },
    });
    queued.set(message.id, text);
  }
  const sent = await store.outbox.enqueue({
    channel: 'email',
    destination: `sent-${tag}@example.org`,
    payload: { text: 'done', template: 'reset', locale: 'en' },
  });
  await store.outbox.markSent(sent.id, now);

  const flowId = `flow-${tag}`;
  const flowDestination = `+4520888${tag.length}1`;
  await store.flows.create({
    id: flowId,
    tokenHash: `hash-${tag}`,
    purpose: 'enroll',
    userId: `user-${tag}-0`,
    decoy: false,
    identifierHash: `idh-${tag}`,
    policyName: 'default',
    methods: [{ id: 'sms:1', kind: 'sms', hint: '+45 •• •• •• 71', destination: flowDestination }],
    expiresAt: new Date(now.getTime() + 15 * 60_000),
    locale: 'en',
    clientAddress: '192.0.2.1',
  });
  const liveChallengeId = `live-${tag}`;
  const expiredChallengeId = `expired-${tag}`;
  await store.challenges.create({
    id: liveChallengeId,
    flowId,
    methodId: 'sms:1',
    destinationHash: 'dh',
    code: '246801',
    expiresAt: new Date(now.getTime() + 10 * 60_000),
  });
  await store.challenges.create({
    id: expiredChallengeId,
    flowId,
    methodId: 'sms:2',
    destinationHash: 'dh',
    code: '135790',
    expiresAt: new Date(now.getTime() - 60_000),
  });
  return {
    destinations,
    confirmed,
    pending,
    queued,
    sentId: sent.id,
    flowId,
    flowDestination,
    liveChallengeId,
    expiredChallengeId,
  };
}
