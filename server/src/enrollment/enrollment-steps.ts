// The enroll flow's own steps (issue 5, T12): the current password after a code, new methods each
// confirmed by a code sent to itself, then stored sealed, announced to every method the user already
// had, and usable for resets only after the policy's hold. The flows service opens the flow and hands
// it here; limits, audit and failure counting are the flows service's, passed in.
import { randomUUID } from 'node:crypto';
import {
  type EnrolledMethod,
  type EnrollmentAccepted,
  type EnrollmentConfirmationRequest,
  type EnrollmentConfirmed,
  type EnrollmentRequest,
  type FlowPublicState,
  type InvalidMethod,
  type PendingEnrollment,
  type VerificationResult,
} from '@mypass/flows/contract';
import { maskEmail, maskPhone, normalizeEmail } from '@mypass/flows/method-hints';
import { z } from 'zod';
import type { AuditEvent } from '../audit/audit-log.js';
import type { Delivery } from '../delivery/delivery.js';
import type { Directory, DirectoryFailure } from '../directory/directory.js';
import type { ResetFlowContext } from '../flows-service/flow-context.js';
import { toFlowContext } from '../flows-service/flow-context.js';
import type { FlowsConfig, LimitsConfig } from '../flows-service/flows-config.js';
import { newChallengeId, newCode } from '../flows-service/flow-secrets.js';
import type { RequestContext, ServiceProblem, ServiceResult } from '../flows-service/flows-service.js';
import type { RandomSource } from '../flows-service/ports.js';
import type { Policy } from '../policy/policy-config.js';
import type {
  ChallengeRecord,
  Clock,
  EnrollmentRecord,
  FlowRecord,
  MethodKind,
  Store,
} from '../store/store.js';
import { withTimingFloor } from '../http/timing-floor.js';
import { passwordAcceptedNow, proofSatisfied, proofsRemaining, type ProofState } from './enrollment-proof.js';

/** A flow as the flows service opened it. */
export interface EnrollFlow {
  flow: FlowRecord;
  context: ResetFlowContext;
  real: boolean;
}

export interface EnrollmentStepsDeps {
  config: { flows: FlowsConfig; limits: LimitsConfig };
  directory: Directory;
  store: Store;
  delivery: Delivery;
  clock: Clock;
  random: RandomSource;
  policyByName(name: string): Policy;
  record(open: EnrollFlow, event: AuditEvent): Promise<void>;
  countFailure(open: EnrollFlow): Promise<void>;
  budgetSpent(identifierHash: string, subject: string): Promise<boolean>;
  /** Takes one guess's place in the failure budget before a code is checked (flows-service.ts, T3). */
  reserveGuess(open: EnrollFlow, at: Date): Promise<boolean>;
  /** Gives a reserved guess back (a right or expired code, a flow already out of attempts). */
  releaseGuess(open: EnrollFlow, at: Date): Promise<void>;
  overLimit(key: string, limit: { max: number; windowSeconds: number }): Promise<number | null>;
  /** The sending caps a code spends (flows-service.ts): the seconds to wait, else null. */
  sendingCapWait(subject: string, destinationHash: string, kind: MethodKind): Promise<number | null>;
  exhausted(open: EnrollFlow, ctx: RequestContext): Promise<ServiceResult<never>>;
  directoryFailed(
    open: EnrollFlow,
    step: string,
    failure: DirectoryFailure,
    ctx: RequestContext,
  ): Promise<ServiceResult<never>>;
  verifiedWindowOpen(flow: FlowRecord): boolean;
}

/** `required` for addVerifiedMethod in enroll flows: the store never flips them to verified by count. */
export const enrollProofsDecideState = Number.MAX_SAFE_INTEGER;

/** The password is method `password` of an enroll flow (api.md); it is never a stored method. */
export const passwordMethodId = 'password';

const fail = <T = never>(
  code: ServiceProblem['code'],
  extras: Omit<ServiceProblem, 'code'> = {},
): ServiceResult<T> => ({
  ok: false,
  problem: { code, ...extras },
});
const iso = (date: Date): string => date.toISOString().replace(/\.\d{3}Z$/, 'Z');
const emailSchema = z.email();

export interface EnrollmentSteps {
  /** After a code in an enroll flow: verified once the policy's proof is complete. */
  afterCode(open: EnrollFlow, updated: FlowRecord): Promise<ServiceResult<VerificationResult>>;
  verifyPassword(
    open: EnrollFlow,
    password: string,
    ctx: RequestContext,
  ): Promise<ServiceResult<VerificationResult>>;
  submit(
    open: EnrollFlow,
    input: EnrollmentRequest,
    ctx: RequestContext,
  ): Promise<ServiceResult<EnrollmentAccepted>>;
  confirm(
    open: EnrollFlow,
    input: EnrollmentConfirmationRequest,
    ctx: RequestContext,
  ): Promise<ServiceResult<EnrollmentConfirmed>>;
  /** `GET /flows/{id}`'s `enrollment` member (undefined before any method was submitted). */
  publicState(flow: FlowRecord): Promise<FlowPublicState['enrollment']>;
  /** Proofs an enroll flow still lacks (`methodsRemaining`). */
  remaining(open: EnrollFlow): number;
  /**
   * A user's confirmed enrollments, read once: `usable` are those whose hold is over, offered to
   * reset flows (T12); `announced` are all of them, held or not: a reset is announced to each (T1).
   */
  confirmedMethods(userId: string): Promise<{
    usable: { kind: MethodKind; destination: string }[];
    announced: { kind: MethodKind; destination: string }[];
  }>;
}

export function createEnrollmentSteps(deps: EnrollmentStepsDeps): EnrollmentSteps {
  const { store, delivery, clock, random, directory, record } = deps;
  const { flows: flowsConfig, limits } = deps.config;

  const proofState = (open: EnrollFlow, flow: FlowRecord, context = open.context): ProofState => ({
    proof: context.enrollment?.proof ?? 'code-then-password',
    codesRequired: context.methodsRequired,
    codesVerified: new Set(
      flow.methodsVerified.map((v) => v.methodId).filter((id) => id !== passwordMethodId),
    ).size,
    passwordFactor: context.enrollment?.passwordFactor ?? null,
  });

  /** Moves the flow to verified when its proof is complete, and answers like a reset's verification. */
  async function settle(
    open: EnrollFlow,
    flow: FlowRecord,
    context: ResetFlowContext,
  ): Promise<ServiceResult<VerificationResult>> {
    const state = proofState(open, flow, context);
    let current = flow;
    if (proofSatisfied(state) && flow.state === 'verifying') {
      current =
        (await store.flows.transition(flow.id, ['verifying'], {
          state: 'verified',
          verifiedAt: clock.now(),
        })) ?? flow;
    }
    return {
      ok: true,
      value: {
        state: current.state === 'verified' ? 'verified' : 'verifying',
        verified: [...new Set(current.methodsVerified.map((v) => v.methodId))],
        methodsRemaining: proofsRemaining(state),
      },
    };
  }

  /** A wrong code or password: the flow's attempts and the failure budget; null while attempts remain. */
  async function countWrong(
    open: EnrollFlow,
    ctx: RequestContext,
    event: AuditEvent,
    /** When the guess was already reserved in the budget (confirmations): not counted twice. */
    reservedAt?: Date,
  ): Promise<{ attemptsLeft: number } | ServiceResult<never>> {
    const attempt = await store.flows.recordFailedAttempt(open.flow.id, limits.attemptsPerFlow);
    if (!attempt.counted) {
      if (reservedAt) await deps.releaseGuess(open, reservedAt);
      return deps.exhausted(open, ctx);
    }
    if (!reservedAt) await deps.countFailure(open);
    await record(open, event);
    if (attempt.exhausted) {
      await record(open, { type: 'attempts_exhausted', clientAddress: ctx.clientAddress });
      return fail('attempts_exhausted');
    }
    return { attemptsLeft: attempt.attemptsLeft };
  }

  async function pendingOf(flow: FlowRecord): Promise<{
    enrollments: EnrollmentRecord[];
    challenges: Map<string, ChallengeRecord>;
  }> {
    const enrollments = await store.enrollments.listForFlow(flow.id);
    const challenges = new Map((await store.challenges.listForFlow(flow.id)).map((c) => [c.id, c]));
    return { enrollments, challenges };
  }

  const pendingView = (e: EnrollmentRecord, challenge: ChallengeRecord | undefined): PendingEnrollment => ({
    challengeId: e.challengeId ?? '',
    kind: e.kind,
    hint: e.hint,
    codeLength: flowsConfig.codeLength,
    expiresAt: iso(challenge?.expiresAt ?? e.createdAt),
    resendAfter: Math.max(
      0,
      Math.ceil((e.createdAt.getTime() + limits.resendCooldownSeconds * 1000 - clock.now().getTime()) / 1000),
    ),
  });
  const confirmedView = (e: EnrollmentRecord): EnrolledMethod => ({
    kind: e.kind,
    hint: e.hint,
    usableFrom: iso(e.usableFrom ?? e.confirmedAt ?? e.createdAt),
  });

  /** The password check itself (after the proof allowed one): Entra, or a decoy's wrong answer. */
  async function checkPassword(
    open: EnrollFlow,
    password: string,
    ctx: RequestContext,
    state: ProofState,
  ): Promise<ServiceResult<VerificationResult>> {
    const { flow, context } = open;
    const wrong = async (reason: string, detail?: string): Promise<ServiceResult<never>> => {
      const counted = await countWrong(open, ctx, {
        type: 'password_failed',
        reason,
        methodId: passwordMethodId,
        ...(detail ? { detail } : {}),
        clientAddress: ctx.clientAddress,
      });
      return 'ok' in counted ? counted : fail('password_invalid');
    };
    if (await deps.budgetSpent(flow.identifierHash, context.subject)) return deps.exhausted(open, ctx);
    // Decoys (only reachable under the password-only proof) answer like a wrong password.
    if (!open.real || flow.userId === null || context.userPrincipalName === null) return wrong('decoy');

    // The attempt is reserved before Entra is asked, so N parallel requests cannot make a 4th check (T3).
    const reservation = await store.passwordAttempts.reserve(
      flow.userId,
      limits.passwordChecks.max,
      limits.passwordChecks.windowSeconds,
      clock.now(),
    );
    if (!reservation.allowed) return wrong('attempts_spent', `retry_after:${reservation.retryAfter}`);

    const checked = await directory.checkPassword(context.userPrincipalName, password);
    if (!checked.ok) {
      // Entra never judged the password (our configuration, msal's local throttle): not a wrong one.
      if (checked.code === 'configuration_error' || checked.upstreamCode === 'AADSTS50196') {
        await store.passwordAttempts.release(flow.userId, reservation.attemptId);
      }
      return deps.directoryFailed(open, 'password_check', checked, ctx);
    }
    const outcome = checked.value;
    if (!outcome.proven) return wrong(outcome.reason, outcome.aadsts ? `AADSTS${outcome.aadsts}` : undefined);

    await store.passwordAttempts.release(flow.userId, reservation.attemptId);
    const nextContext: ResetFlowContext = {
      ...context,
      enrollment: { proof: state.proof, passwordFactor: outcome.factor },
    };
    const withContext = await store.flows.transition(flow.id, ['verifying'], {
      context: toFlowContext(nextContext),
    });
    if (!withContext) return fail('method_not_available');
    const updated = await store.flows.addVerifiedMethod(
      flow.id,
      passwordMethodId,
      enrollProofsDecideState,
      clock.now(),
    );
    if (!updated) return fail('flow_not_found');
    await record(open, {
      type: 'verified',
      methodId: passwordMethodId,
      // ok, mfa_required, password_expired …: "MFA required" proves a first factor only (T12).
      reason: outcome.reason,
      detail: outcome.factor,
      clientAddress: ctx.clientAddress,
    });
    return settle(open, updated, nextContext);
  }

  return {
    afterCode(open, updated) {
      return settle(open, updated, open.context);
    },

    async verifyPassword(open, password, ctx) {
      const { flow } = open;
      if (flow.state !== 'verifying') return fail('method_not_available');
      const state = proofState(open, flow);
      if (!passwordAcceptedNow(state)) {
        // Before a code the password is never checked: no anonymous guesses through MyPass (api.md).
        // One answer under `code` and `code-then-password` alike, so a member of a group whose policy
        // uses `code` answers like a decoy (decoys take the last policy's proof; T2).
        return fail('flow_not_verified');
      }
      // Under the password-only proof a decoy never asks Entra: real and decoy answers both wait for
      // the floor, so time cannot tell them apart either (a per-group `password` proof still answers
      // differently from decoys under another proof: doctor flags it).
      if (state.proof !== 'password') return checkPassword(open, password, ctx, state);
      return withTimingFloor(flowsConfig.timingFloorMs.password, () =>
        checkPassword(open, password, ctx, state),
      );
    },

    async submit(open, input, ctx) {
      const { flow, context } = open;
      if (flow.purpose !== 'enroll' || !open.real || flow.userId === null || !deps.verifiedWindowOpen(flow)) {
        return fail('flow_not_verified');
      }
      const userId = flow.userId;
      const policy = deps.policyByName(flow.policyName);
      if (!policy.enrollment.allowed) return fail('flow_not_verified');
      const region = context.region ?? flowsConfig.defaultRegion;

      const existing = await store.enrollments.listForUser(userId);
      const confirmed = existing.filter((e) => e.confirmedAt !== null);
      const held = new Set<string>([
        ...context.notify.map((n) => `${n.kind}:${n.destination}`),
        ...flow.methods.map((m) => `${m.kind}:${m.destination}`),
        ...confirmed.flatMap((e) => (e.destination ? [`${e.kind}:${e.destination}`] : [])),
      ]);
      const room = Math.max(0, policy.enrollment.maxMethods - confirmed.length);
      const invalid: InvalidMethod[] = [];
      const accepted: { kind: MethodKind; destination: string; hint: string }[] = [];
      const seen = new Set<string>();
      input.methods.forEach((method, index) => {
        const rule = policy.methods[method.kind];
        // A kind the policy would never offer from enrollments could not be used: refuse it now.
        if (!rule.allowed || !rule.sources.includes('enrolled') || !delivery.canDeliver(method.kind)) {
          invalid.push({ index, reason: 'not_allowed' });
          return;
        }
        let destination: string;
        if (method.kind === 'sms') {
          const checked = delivery.checkPhone(method.phone, region);
          if (!checked.ok) {
            invalid.push({ index, reason: checked.code });
            return;
          }
          destination = checked.e164;
        } else {
          const address = normalizeEmail(method.email);
          if (address === null || !emailSchema.safeParse(address).success) {
            invalid.push({ index, reason: 'invalid_address' });
            return;
          }
          destination = address;
        }
        const key = `${method.kind}:${destination}`;
        if (seen.has(key)) invalid.push({ index, reason: 'duplicate' });
        else if (held.has(key)) invalid.push({ index, reason: 'already_registered' });
        else if (accepted.length >= room) invalid.push({ index, reason: 'not_allowed' });
        else {
          accepted.push({
            kind: method.kind,
            destination,
            hint: method.kind === 'sms' ? maskPhone(destination) : maskEmail(destination),
          });
        }
        seen.add(key);
      });
      if (invalid.length > 0) {
        await record(open, {
          type: 'enrollment_refused',
          detail: invalid.map((i) => `${i.index}:${i.reason}`).join(','),
          clientAddress: ctx.clientAddress,
        });
        return fail('destination_invalid', { invalidMethods: invalid });
      }

      // A resubmission (resend, or a corrected number) waits for the cool-down like a resend does.
      const pendingBefore = existing.filter((e) => e.flowId === flow.id && e.confirmedAt === null);
      const lastSent = pendingBefore.reduce((t, e) => Math.max(t, e.createdAt.getTime()), 0);
      const sinceLast = clock.now().getTime() - lastSent;
      if (lastSent > 0 && sinceLast < limits.resendCooldownSeconds * 1000) {
        return fail('resend_too_soon', {
          retryAfter: Math.max(1, Math.ceil((limits.resendCooldownSeconds * 1000 - sinceLast) / 1000)),
        });
      }
      if (limits.resendCooldownSeconds > 0) {
        // The read above cannot stop parallel submissions (on one node or several) that all saw none
        // pending: one atomic hit per flow and cool-down lets exactly one of them send.
        const wait = await deps.overLimit(`enroll-submit:${flow.id}`, {
          max: 1,
          windowSeconds: limits.resendCooldownSeconds,
        });
        if (wait !== null) return fail('resend_too_soon', { retryAfter: wait });
      }
      for (const method of accepted) {
        const destinationHash = store.keyring.lookupHash('destination', method.destination);
        const wait = await deps.sendingCapWait(context.subject, destinationHash, method.kind);
        if (wait !== null) {
          await record(open, { type: 'rate_limited', reason: 'too_many_challenges', detail: 'enrollment' });
          return fail('too_many_challenges', { retryAfter: wait });
        }
      }

      const now = clock.now();
      const expiresAt = new Date(now.getTime() + flowsConfig.codeLifetimeSeconds * 1000);
      const created = await store.transaction(async (tx) => {
        await tx.enrollments.deletePendingForFlow(flow.id);
        const out: { enrollment: EnrollmentRecord; challenge: ChallengeRecord }[] = [];
        for (const [i, method] of accepted.entries()) {
          const code = newCode(random, flowsConfig.codeLength);
          const challenge = await tx.challenges.create({
            id: newChallengeId(random),
            flowId: flow.id,
            methodId: `new-${method.kind}:${i + 1}`,
            destinationHash: store.keyring.lookupHash('destination', method.destination),
            code,
            expiresAt,
          });
          // The code goes to the new method itself: only its owner can confirm it.
          const queued = await delivery.queueCode(tx.outbox, {
            challengeId: challenge.id,
            flowId: flow.id,
            channel: method.kind,
            destination: method.destination,
            code,
            locale: flow.locale,
            expiresAt,
          });
          if (!queued.ok) await tx.challenges.setDeliveryStatus(challenge.id, 'failed');
          const enrollment = await tx.enrollments.create({
            id: `e_${randomUUID()}`,
            userId,
            kind: method.kind,
            destination: method.destination,
            hint: method.hint,
            flowId: flow.id,
            challengeId: challenge.id,
          });
          out.push({ enrollment, challenge });
        }
        return out;
      });
      delivery.worker.nudge();
      for (const { challenge } of created) {
        await record(open, {
          type: 'code_queued',
          methodId: challenge.methodId,
          challengeId: challenge.id,
          detail: 'enrollment',
          clientAddress: ctx.clientAddress,
        });
      }
      return {
        ok: true,
        value: {
          state: 'verified',
          pending: created.map(({ enrollment, challenge }) => pendingView(enrollment, challenge)),
          holdHours: policy.enrollment.holdHours,
        },
      };
    },

    async confirm(open, input, ctx) {
      const { flow, context } = open;
      if (flow.purpose !== 'enroll' || !open.real || flow.userId === null || flow.state !== 'verified') {
        return fail('flow_not_verified');
      }
      // Each guess takes its place in the budget before the code is checked, as in verify: a peek
      // first and a count afterwards let parallel guesses spend more than the budget (T3).
      const guessAt = clock.now();
      if (!(await deps.reserveGuess(open, guessAt))) return deps.exhausted(open, ctx);
      const mine = await store.enrollments.listForFlow(flow.id);
      const target = mine.find((e) => e.challengeId === input.challengeId && e.confirmedAt === null);
      const now = clock.now();
      const check = await store.challenges.verifyAndConsume(
        flow.id,
        target?.challengeId ?? input.challengeId,
        input.code,
        now,
      );
      if (!check.ok && check.reason === 'expired' && target) {
        await deps.releaseGuess(open, guessAt);
        return fail('code_expired');
      }
      if (!check.ok || !target) {
        const counted = await countWrong(
          open,
          ctx,
          {
            type: 'verification_failed',
            challengeId: input.challengeId.slice(0, 64),
            detail: 'enrollment',
            clientAddress: ctx.clientAddress,
          },
          guessAt,
        );
        return 'ok' in counted ? counted : fail('code_invalid', { attemptsLeft: counted.attemptsLeft });
      }
      await deps.releaseGuess(open, guessAt);

      const policy = deps.policyByName(flow.policyName);
      const usableFrom = new Date(now.getTime() + policy.enrollment.holdHours * 3600 * 1000);
      // The maximum holds at confirmation, counted in the same serialized step: two flows that each
      // had room at submit cannot both confirm past it.
      const confirmed = await store.enrollments.confirmWithin(
        target.id,
        usableFrom,
        policy.enrollment.maxMethods,
        now,
      );
      if (!confirmed.ok && confirmed.reason === 'max_methods') {
        const index = mine.filter((e) => e.confirmedAt === null).findIndex((e) => e.id === target.id);
        await record(open, {
          type: 'enrollment_refused',
          detail: `${Math.max(0, index)}:not_allowed:max_methods`,
          clientAddress: ctx.clientAddress,
        });
        return fail('destination_invalid', {
          invalidMethods: [{ index: Math.max(0, index), reason: 'not_allowed' }],
        });
      }
      const enrolled = confirmed.ok ? confirmed.enrollment : undefined;
      if (enrolled) {
        await record(open, {
          type: 'enrolled',
          methodId: enrolled.kind,
          challengeId: check.challenge.id,
          detail: `usable_from:${iso(usableFrom)}`,
          clientAddress: ctx.clientAddress,
        });
        // Every method the user already had hears about it (T12): the directory's and earlier enrollments.
        const targets = new Map<string, { kind: MethodKind; destination: string }>();
        for (const n of context.notify) targets.set(`${n.kind}:${n.destination}`, n);
        // The methods that proved this flow hear about it too, even from the `profile` source (T12).
        const proven = new Set(flow.methodsVerified.map((v) => v.methodId));
        for (const m of flow.methods) {
          if (proven.has(m.id) && (m.kind === 'sms' || m.kind === 'email')) {
            targets.set(`${m.kind}:${m.destination}`, { kind: m.kind, destination: m.destination });
          }
        }
        for (const e of await store.enrollments.listForUser(flow.userId, { confirmedOnly: true })) {
          if (e.id !== enrolled.id && e.destination) {
            targets.set(`${e.kind}:${e.destination}`, { kind: e.kind, destination: e.destination });
          }
        }
        let queued = 0;
        for (const to of targets.values()) {
          const result = await delivery.queueNotification(store.outbox, {
            template: 'enrolled',
            flowId: flow.id,
            channel: to.kind,
            destination: to.destination,
            locale: flow.locale,
            vars: {
              account: context.userPrincipalName ?? '',
              method: enrolled.hint,
              time: iso(now),
              where: ctx.clientAddress,
              usableFrom: iso(usableFrom),
            },
          });
          if (result.ok) queued += 1;
        }
        if (queued > 0) delivery.worker.nudge();
        await record(open, { type: 'notification_queued', detail: `enrolled: ${queued} of ${targets.size}` });
      }

      const { enrollments, challenges } = await pendingOf(flow);
      const pending = enrollments.filter((e) => e.confirmedAt === null);
      let state: EnrollmentConfirmed['state'] = 'verified';
      if (
        pending.length === 0 &&
        (await store.flows.transition(flow.id, ['verified'], { state: 'completed' }))
      ) {
        await record(open, { type: 'completed', clientAddress: ctx.clientAddress });
        state = 'completed';
      } else if (pending.length === 0) state = 'completed';
      return {
        ok: true,
        value: {
          state,
          confirmed: enrollments.filter((e) => e.confirmedAt !== null).map(confirmedView),
          pending: pending.map((e) => pendingView(e, challenges.get(e.challengeId ?? ''))),
        },
      };
    },

    async publicState(flow) {
      if (flow.purpose !== 'enroll') return undefined;
      const { enrollments, challenges } = await pendingOf(flow);
      if (enrollments.length === 0) return undefined;
      return {
        pending: enrollments
          .filter((e) => e.confirmedAt === null)
          .map((e) => {
            const challenge = challenges.get(e.challengeId ?? '');
            return { ...pendingView(e, challenge), status: challenge?.deliveryStatus ?? 'queued' };
          }),
        confirmed: enrollments.filter((e) => e.confirmedAt !== null).map(confirmedView),
      };
    },

    remaining(open) {
      return proofsRemaining(proofState(open, open.flow));
    },

    async confirmedMethods(userId) {
      const now = clock.now().getTime();
      const confirmed = await store.enrollments.listForUser(userId, { confirmedOnly: true });
      const usable: { kind: MethodKind; destination: string }[] = [];
      const announced: { kind: MethodKind; destination: string }[] = [];
      for (const e of confirmed) {
        if (e.destination === null) continue;
        const method = { kind: e.kind, destination: e.destination };
        announced.push(method);
        if (e.usableFrom !== null && e.usableFrom.getTime() <= now) usable.push(method);
      }
      return { usable, announced };
    },
  };
}
