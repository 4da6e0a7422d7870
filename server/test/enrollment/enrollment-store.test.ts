// The enrollment and password-attempt repositories on every dialect this machine has (store-harness):
// destinations sealed at rest, confirmation once under races, the per-user delete for `user purge`,
// and the password-check window holding exactly `max` under parallel requests from two nodes.
import { describe, expect, it } from 'vitest';
import type { Store } from '../../src/store/store.js';
import { describeEachStore, testClock } from '../store/store-harness.js';

const user = 'a0000000-0000-4000-8000-0000000000e1';
const other = 'a0000000-0000-4000-8000-0000000000e2';

describeEachStore('enrollments', (target) => {
  const newEnrollment = (store: Store, id: string, destination: string, userId = user) =>
    store.enrollments.create({
      id,
      userId,
      kind: destination.startsWith('+') ? 'sms' : 'email',
      destination,
      hint: destination.startsWith('+') ? '+45 •• •• •• 77' : 'a•••@m•••.example',
      flowId: `f_${id}`,
      challengeId: `c_${id}`,
    });

  describe('enrollments', () => {
    it('keeps the destination sealed at rest and gives it back to the store', async () => {
      const store = await target.open();
      const created = await newEnrollment(store, 'e_seal', 'adele.private@mail.example');
      expect(created.destination).toBe('adele.private@mail.example');
      expect(created.confirmedAt).toBeNull();
      const raw = JSON.stringify(await target.rawRows('enrollments'));
      expect(raw).not.toContain('adele.private');
      expect(raw).toContain('a•••@m•••.example');
    });

    it('confirms once, even when two nodes confirm at the same moment', async () => {
      const clock = testClock();
      const a = await target.open({ clock });
      const b = await target.open({ clock });
      await newEnrollment(a, 'e_race', '+4520998877');
      const usableFrom = new Date(clock.now().getTime() + 72 * 3600_000);
      const results = await Promise.all([
        a.enrollments.confirm('e_race', usableFrom),
        b.enrollments.confirm('e_race', usableFrom),
        a.enrollments.confirm('e_race', usableFrom),
      ]);
      expect(results.filter((r) => r !== undefined)).toHaveLength(1);
      const [stored] = (await a.enrollments.listForUser(user, { confirmedOnly: true })).filter(
        (e) => e.id === 'e_race',
      );
      expect(stored?.usableFrom?.toISOString()).toBe(usableFrom.toISOString());
    });

    it('confirms within the maximum only, even when flows on two nodes confirm at the same moment', async () => {
      const clock = testClock();
      const a = await target.open({ clock });
      const b = await target.open({ clock });
      const ids = ['e_max1', 'e_max2', 'e_max3', 'e_max4'];
      for (const id of ids) await newEnrollment(a, id, `${id}@mail.example`, 'max-user');
      const usableFrom = new Date(clock.now().getTime() + 3600_000);
      const results = await Promise.all(
        ids.map((id, i) => (i % 2 ? a : b).enrollments.confirmWithin(id, usableFrom, 2)),
      );
      expect(results.filter((r) => r.ok)).toHaveLength(2);
      expect(results.filter((r) => !r.ok && r.reason === 'max_methods')).toHaveLength(2);
      expect(await a.enrollments.listForUser('max-user', { confirmedOnly: true })).toHaveLength(2);
      const confirmedId = ids[results.findIndex((r) => r.ok)] ?? '';
      expect(await a.enrollments.confirmWithin(confirmedId, usableFrom, 5)).toEqual({
        ok: false,
        reason: 'not_pending',
      });
      if (target.name === 'postgres') {
        // A confirmation still uncommitted on node A (READ COMMITTED hides it from B's count): B must
        // wait for it, then refuse. SQLite runs the count and the update as one statement of its single writer.
        await newEnrollment(a, 'e_held1', 'held1@mail.example', 'held-user');
        await newEnrollment(a, 'e_held2', 'held2@mail.example', 'held-user');
        let commitA = (): void => undefined;
        const gate = new Promise<void>((resolve) => {
          commitA = resolve;
        });
        let heldA = (): void => undefined;
        const aHolds = new Promise<void>((resolve) => {
          heldA = resolve;
        });
        const first = a.transaction(async (tx) => {
          const result = await tx.enrollments.confirmWithin('e_held1', usableFrom, 1);
          heldA();
          await gate;
          return result;
        });
        await aHolds;
        const second = b.enrollments.confirmWithin('e_held2', usableFrom, 1);
        await new Promise((resolve) => setTimeout(resolve, 100));
        commitA();
        expect((await first).ok).toBe(true);
        expect(await second).toEqual({ ok: false, reason: 'max_methods' });
      }
      // Another user's confirmations do not count against this one's maximum.
      await newEnrollment(a, 'e_max_other', 'x@mail.example', 'max-other');
      expect((await a.enrollments.confirmWithin('e_max_other', usableFrom, 1)).ok).toBe(true);
    });

    it('lists pending and confirmed apart, drops a flow’s pending ones, and purges one person only', async () => {
      const store = await target.open();
      await newEnrollment(store, 'e_p1', 'p1@mail.example', other);
      await newEnrollment(store, 'e_p2', 'p2@mail.example', other);
      await store.enrollments.confirm('e_p1', new Date());
      await newEnrollment(store, 'e_keep', 'keep@mail.example');
      expect((await store.enrollments.listForUser(other)).map((e) => e.id)).toEqual(['e_p1', 'e_p2']);
      expect((await store.enrollments.listForUser(other, { confirmedOnly: true })).map((e) => e.id)).toEqual([
        'e_p1',
      ]);
      expect(await store.enrollments.deletePendingForFlow('f_e_p2')).toBe(1);
      expect(await store.enrollments.deletePendingForFlow('f_e_p1')).toBe(0);
      expect(await store.enrollments.deleteEnrollmentsForUser(other)).toBe(1);
      expect(await store.enrollments.listForUser(other)).toEqual([]);
      expect((await store.enrollments.listForUser(user)).map((e) => e.id)).toContain('e_keep');
    });

    it('prunes enrollments never confirmed, and only those', async () => {
      const clock = testClock();
      const store = await target.open({ clock });
      await newEnrollment(store, 'e_old_pending', 'old@mail.example', 'prune-user');
      await newEnrollment(store, 'e_old_confirmed', 'kept@mail.example', 'prune-user');
      await store.enrollments.confirm('e_old_confirmed', clock.now());
      clock.advance(2 * 86400);
      expect(
        await store.enrollments.deleteUnconfirmedBefore(new Date(clock.now().getTime() - 86400_000)),
      ).toBeGreaterThanOrEqual(1); // other tests' pending rows are older still
      expect((await store.enrollments.listForUser('prune-user')).map((e) => e.id)).toEqual([
        'e_old_confirmed',
      ]);
    });

    it('reads a destination sealed with a key that is gone as null, never as garbage', async () => {
      const first = await target.open({
        keys: [{ id: 'kold', secret: 'old-secret-0123456789abcdefghijklmnopq' }],
      });
      await newEnrollment(first, 'e_oldkey', 'gone@mail.example', 'key-user');
      const rotated = await target.open({
        keys: [{ id: 'knew', secret: 'new-secret-0123456789abcdefghijklmnopq' }],
      });
      const [record] = await rotated.enrollments.listForUser('key-user');
      expect(record?.destination).toBeNull();
      expect(record?.hint).toBe('a•••@m•••.example');
    });
  });

  describe('password attempts', () => {
    it('reserves at most max checks in the window, even fired in parallel through two nodes', async () => {
      const clock = testClock();
      const a = await target.open({ clock });
      const b = await target.open({ clock });
      const results = await Promise.all(
        Array.from({ length: 12 }, (_, i) => (i % 2 ? a : b).passwordAttempts.reserve('u-par', 3, 86400)),
      );
      expect(results.filter((r) => r.allowed)).toHaveLength(3);
      expect(await a.passwordAttempts.count('u-par', 86400)).toBe(3);
      const refused = results.find((r) => !r.allowed);
      expect(refused && !refused.allowed ? refused.retryAfter : 0).toBeGreaterThan(86000);
    });

    it('gives a released check back, and slides: the oldest leaves the window after 24 h', async () => {
      const clock = testClock();
      const store = await target.open({ clock });
      const first = await store.passwordAttempts.reserve('u-slide', 3, 86400);
      clock.advance(3600);
      const second = await store.passwordAttempts.reserve('u-slide', 3, 86400);
      if (!second.allowed || !first.allowed) throw new Error('expected reservations');
      await store.passwordAttempts.release('u-slide', second.attemptId);
      expect(await store.passwordAttempts.count('u-slide', 86400)).toBe(1);
      await store.passwordAttempts.reserve('u-slide', 3, 86400);
      await store.passwordAttempts.reserve('u-slide', 3, 86400);
      expect((await store.passwordAttempts.reserve('u-slide', 3, 86400)).allowed).toBe(false);
      // 24 h after the first check it leaves the window; the others (1 h later) are still in it.
      clock.advance(86400 - 3600 + 1);
      expect((await store.passwordAttempts.reserve('u-slide', 3, 86400)).allowed).toBe(true);
      expect((await store.passwordAttempts.reserve('u-slide', 3, 86400)).allowed).toBe(false);
    });

    it('forgets one person on purge', async () => {
      const store = await target.open();
      await store.passwordAttempts.reserve('u-purge', 3, 86400);
      expect(await store.passwordAttempts.deleteForUser('u-purge')).toBe(1);
      expect(await store.passwordAttempts.count('u-purge', 86400)).toBe(0);
    });
  });
});
