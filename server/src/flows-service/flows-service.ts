// The reset flow: start, challenge, verify, password, cancel, get. Real and decoy flows take the same
// path through the same store writes and limits; only the directory's answer and the outbox differ (T2).
// `purpose` is in every record, so the enrollment issue adds `enroll` beside `reset` without rework.
import { createHash, randomUUID, timingSafeEqual } from 'node:crypto';
import {
  flowIdSchema,
  flowTokenSchema,
  type ChallengeAccepted,
  type EnrollmentAccepted,
  type EnrollmentConfirmationRequest,
  type EnrollmentConfirmed,
  type EnrollmentRequest,
  type FlowCreated,
  type FlowPublicState,
  type InvalidMethod,
  type PasswordPolicy,
  type PasswordViolation,
  type ProblemCode,
  type VerificationResult,
} from '@mypass/flows/contract';
import { maskEmail, maskPhone, normalizeConfirmation, normalizeIdentifier } from '@mypass/flows/method-hints';
import type { Logger } from 'pino';
import type { AuditLog, AuditEvent } from '../audit/audit-log.js';
import type { Delivery } from '../delivery/delivery.js';
import type { Directory, DirectoryFailure } from '../directory/directory.js';
import {
  candidateMethods,
  decideEligibility,
  groupIdsOfInterest,
  reachablePolicies,
  type RefusalReason,
} from '../policy/eligibility.js';
import type { ClientChannel } from '../policy/client-channel.js';
import { defaultPolicy, type PoliciesConfig, type Policy } from '../policy/policy-config.js';
import type {
  ChallengeRecord,
  Clock,
  FlowMethod,
  FlowPurpose,
  FlowRecord,
  HitResult,
  MethodKind,
  Store,
} from '../store/store.js';
import { clientAddressKey } from './client-address-key.js';
import { deliverableMethods } from './deliverable-methods.js';
import {
  decoyListAtDoor,
  decoyMethods,
  decoyRegionFor,
  decoyOffer,
  decoyPolicy,
  servingPolicies,
  type DecoyOffer,
} from './decoy-methods.js';
import { readFlowContext, toFlowContext, type ResetFlowContext } from './flow-context.js';
import { decoySharesFor, type FlowsConfig, type LimitsConfig } from './flows-config.js';
import { hashToken, newChallengeId, newCode, newFlowId, newFlowToken } from './flow-secrets.js';
import { checkNewPassword } from './password-rules.js';
import {
  createEnrollmentSteps,
  enrollProofsDecideState,
  passwordMethodId,
} from '../enrollment/enrollment-steps.js';
import type { RandomSource } from './ports.js';
import { messageLanguageFor } from '@mypass/locales/node';

export interface ServiceProblem {
  code: ProblemCode;
  retryAfter?: number;
  attemptsLeft?: number;
  violations?: PasswordViolation[];
  invalidMethods?: InvalidMethod[];
}

export type ServiceResult<T> = { ok: true; value: T } | { ok: false; problem: ServiceProblem };

export interface RequestContext {
  clientAddress: string;
  /** Which client called (policy `channels`); undefined where no HTTP request is behind the call. */
  client?: ClientChannel;
}

export interface FlowsServiceDeps {
  config: { flows: FlowsConfig; limits: LimitsConfig; policies: PoliciesConfig };
  directory: Directory;
  store: Store;
  delivery: Delivery;
  clock: Clock;
  random: RandomSource;
  audit: AuditLog;
  logger: Logger;
}

export type StartInput = { purpose: 'reset' | 'enroll'; username: string; locale?: string | undefined };
export type ChallengeInput = { method: string; confirm: string };
export type VerifyInput = { challengeId: string; code: string } | { method: 'password'; password: string };

export interface FlowsService {
  start(input: StartInput, ctx: RequestContext): Promise<ServiceResult<FlowCreated>>;
  challenge(
    flowId: string,
    token: string | undefined,
    input: ChallengeInput,
    ctx: RequestContext,
  ): Promise<ServiceResult<ChallengeAccepted>>;
  verify(
    flowId: string,
    token: string | undefined,
    input: VerifyInput,
    ctx: RequestContext,
  ): Promise<ServiceResult<VerificationResult>>;
  passwordPolicy(flowId: string, token: string | undefined): Promise<ServiceResult<PasswordPolicy>>;
  setPassword(
    flowId: string,
    token: string | undefined,
    input: { newPassword: string },
    ctx: RequestContext,
  ): Promise<ServiceResult<{ state: 'completed' }>>;
  cancel(flowId: string, token: string | undefined, ctx: RequestContext): Promise<ServiceResult<null>>;
  get(flowId: string, token: string | undefined): Promise<ServiceResult<FlowPublicState>>;
  /** Enroll flows: send a code to each new method (enrollment/enrollment-steps.ts). */
  enroll(
    flowId: string,
    token: string | undefined,
    input: EnrollmentRequest,
    ctx: RequestContext,
  ): Promise<ServiceResult<EnrollmentAccepted>>;
  /** Enroll flows: a new method's code; the method is stored, announced and held (T12). */
  confirmEnrollment(
    flowId: string,
    token: string | undefined,
    input: EnrollmentConfirmationRequest,
    ctx: RequestContext,
  ): Promise<ServiceResult<EnrollmentConfirmed>>;
}

/** The global SMS budget's counter (T4); metrics read it. */
export const smsBudgetKey = 'codes:sms:global';

const fail = <T = never>(code: ProblemCode, extras: Omit<ServiceProblem, 'code'> = {}): ServiceResult<T> => ({
  ok: false,
  problem: { code, ...extras },
});
const iso = (date: Date): string => date.toISOString().replace(/\.\d{3}Z$/, 'Z');
const sha256 = (value: string): Buffer => createHash('sha256').update(value, 'utf8').digest();

/** Equality whose time depends on neither value (both are hashed to the same length first). */
function constantTimeEquals(a: string, b: string): boolean {
  return timingSafeEqual(sha256(a), sha256(b));
}

interface OpenFlow {
  flow: FlowRecord;
  context: ResetFlowContext;
  real: boolean;
}

export function createFlowsService(deps: FlowsServiceDeps): FlowsService {
  const { config, directory, store, delivery, clock, random, audit } = deps;
  const { limits, flows: flowsConfig } = config;
  const groupIds = groupIdsOfInterest(config.policies);
  const keyring = store.keyring;

  // What decoys are shown under, per door (purpose, channel) and per policy: the configuration and
  // the delivery providers never change while running. SMS is offered only where some country is
  // allowed: with an empty allow-list no real number passes.
  const canOffer = (kind: MethodKind) =>
    delivery.canDeliver(kind) && (kind !== 'sms' || delivery.smsCountries.length > 0);
  const offers = new Map<string, DecoyOffer>();
  const offerFor = (policy: Policy, purpose: FlowPurpose): DecoyOffer => {
    const key = `${purpose}\0${policy.name}`;
    let offer = offers.get(key);
    if (!offer) {
      offer = decoyOffer(policy, purpose, canOffer);
      offers.set(key, offer);
    }
    return offer;
  };
  /** Policies some real user is served under through this door (matchable, open to it, not refusing all). */
  const servingByDoor = new Map<string, Policy[]>();
  const servingFor = (purpose: FlowPurpose, channel: ClientChannel | undefined): Policy[] => {
    const door = `${purpose}/${channel ?? ''}`;
    let serving = servingByDoor.get(door);
    if (!serving) {
      serving = servingPolicies(config.policies, purpose, channel, canOffer);
      servingByDoor.set(door, serving);
    }
    return serving;
  };
  // Refusals that depend on the door: the member is served at another channel or purpose.
  const doorRefusals: ReadonlySet<string> = new Set(['channel', 'no_methods', 'enrollment_not_allowed']);
  // Refusals that come after a policy matched: the user is one of its members.
  const refusedMembers: ReadonlySet<string> = new Set([...doorRefusals, 'privileged']);
  /**
   * The policies of a decoy. A name has a home policy, fixed per name like its methods (a refused
   * member's is the policy they matched); it is shown where it serves this door, as a real member's
   * would be, else one of the door's serving policies, as a member refused here gets. With none, a
   * policy that does not depend on the user.
   */
  const decoyPolicies = (
    decoyName: string,
    matched: Policy | undefined,
    purpose: FlowPurpose,
    channel: ClientChannel | undefined,
  ): { home: Policy | undefined; shown: Policy } => {
    const { decoyKey, decoyShares } = flowsConfig;
    const home = matched ?? decoyPolicy(decoyKey, decoyName, servingFor('reset', undefined), decoyShares);
    const serving = servingFor(purpose, channel);
    if (home && serving.includes(home)) return { home, shown: home };
    const shown =
      decoyPolicy(decoyKey, decoyName, serving, decoyShares) ??
      reachablePolicies(config.policies, 'reset', undefined).at(-1) ??
      config.policies.policies.at(-1) ??
      defaultPolicy;
    return { home, shown };
  };
  /**
   * A decoy's methods, the same way for every name (decoyListAtDoor): its own list — a member's
   * methods at this door, or the invented list under its home policy — kept where the shown policy
   * offers them and topped up with invented ones drawn under it (in a member's own region).
   */
  const decoyMethodsFor = (
    decoyName: string,
    member: readonly FlowMethod[],
    memberRegion: string | null,
    policies: { home: Policy | undefined; shown: Policy },
    purpose: FlowPurpose,
  ): FlowMethod[] => {
    const countriesOf = (policy: Policy) => policy.decoyCountries ?? flowsConfig.decoyCountries;
    const invent = (policy: Policy, region: string | undefined) =>
      decoyMethods(
        flowsConfig.decoyKey,
        decoyName,
        flowsConfig.defaultRegion,
        delivery.smsCountries,
        offerFor(policy, purpose),
        region,
        decoySharesFor(flowsConfig.decoyShares, policy),
        {
          domains: flowsConfig.decoyEmailDomains,
          initials: flowsConfig.decoyEmailInitials,
          countries: countriesOf(policy),
        },
      );
    const { home, shown } = policies;
    const own = member.length > 0 ? [...member] : home ? invent(home, memberRegion ?? undefined) : [];
    if (member.length === 0 && home === shown) return own;
    // The top-up keeps the own list's region: a member's, or the one its home policy's draw gave.
    const region =
      member.length === 0 && home
        ? decoyRegionFor(
            flowsConfig.decoyKey,
            decoyName,
            flowsConfig.defaultRegion,
            delivery.smsCountries,
            decoySharesFor(flowsConfig.decoyShares, home),
            countriesOf(home),
            memberRegion ?? undefined,
          )
        : (memberRegion ?? undefined);
    return decoyListAtDoor(own, shown, canOffer, purpose, invent(shown, region));
  };
  const policyByName = (name: string): Policy =>
    config.policies.policies.find((p) => p.name === name) ?? config.policies.policies.at(-1) ?? defaultPolicy;

  const record = (open: OpenFlow | undefined, event: AuditEvent): Promise<void> =>
    audit.record({
      ...(open
        ? {
            flowId: open.flow.id,
            purpose: open.flow.purpose,
            decoy: !open.real,
            // A decoy's shown policy means nothing to the administrator; a refused member's matched one does.
            ...(open.real
              ? { policy: open.flow.policyName }
              : open.context.matchedPolicy
                ? { policy: open.context.matchedPolicy }
                : {}),
            ...(open.flow.userId ? { userId: open.flow.userId } : {}),
            ...(open.context.userPrincipalName ? { userPrincipalName: open.context.userPrincipalName } : {}),
            identifierHash: open.flow.identifierHash,
          }
        : {}),
      ...event,
    });

  const windowed = (limit: { max: number; windowSeconds: number }) => ({
    windowSeconds: limit.windowSeconds,
    limit: limit.max,
  });
  const waitOf = (hit: HitResult | undefined): number | null => {
    // hitEach answers every key; a missing answer must never read as "allowed".
    if (hit === undefined) throw new Error('a limit was not counted');
    return hit.allowed ? null : Math.max(1, hit.retryAfter);
  };

  /** One atomic hit; the seconds to wait when over the limit, else null. */
  async function overLimit(
    key: string,
    limit: { max: number; windowSeconds: number },
    options?: { sliding?: boolean },
  ): Promise<number | null> {
    const hit = await store.counters.hit(key, limit.windowSeconds, limit.max, clock.now(), options);
    return hit.allowed ? null : Math.max(1, hit.retryAfter);
  }

  /**
   * The caps a code about to be sent spends (T4): per person per day, per destination per hour, and
   * the tenant's SMS budget. Sliding windows: a fixed one let twice a cap through across its edge
   * (a thousand SMS around the hour). The seconds to wait when one is spent, else null.
   */
  async function sendingCapWait(
    subject: string,
    destinationHash: string,
    kind: MethodKind,
  ): Promise<number | null> {
    const sliding = { sliding: true };
    return (
      (await overLimit(`codes:subject:${subject}`, limits.codesPerUser, sliding)) ??
      (await overLimit(`codes:dest:${destinationHash}`, limits.codesPerDestination, sliding)) ??
      (kind === 'sms' ? await overLimit(smsBudgetKey, limits.smsGlobal, sliding) : null)
    );
  }

  const failureKeys = (flow: Pick<FlowRecord, 'identifierHash'>, subject: string): string[] => [
    `fail:name:${flow.identifierHash}`,
    `fail:subject:${subject}`,
  ];

  async function budgetSpent(identifierHash: string, subject: string): Promise<boolean> {
    for (const key of failureKeys({ identifierHash }, subject)) {
      const used = await store.counters.peek(key, limits.failures.windowSeconds, clock.now());
      if (used >= limits.failures.max) return true;
    }
    return false;
  }

  /**
   * Reserves one guess in the person's failure budget before a code is checked: each key gets one
   * atomic hit, so concurrent guesses on several flows and API nodes can never spend more than the
   * budget (a peek first and a count afterwards let 3 flows x 5 attempts through). False, with the
   * hits taken back, when the budget is spent.
   */
  const failureHits = (open: OpenFlow) =>
    failureKeys(open.flow, open.context.subject).map((key) => ({
      key,
      windowSeconds: limits.failures.windowSeconds,
      limit: limits.failures.max,
    }));

  async function reserveGuess(open: OpenFlow, at: Date): Promise<boolean> {
    const hits = await store.counters.hitEach(failureHits(open), at);
    const allowed = hits.every((hit) => hit.allowed);
    if (!allowed) await releaseGuess(open, at);
    return allowed;
  }

  /** Gives a reserved guess back (a right code, an expired one, a flow already out of attempts). */
  async function releaseGuess(open: OpenFlow, at: Date): Promise<void> {
    await store.counters.hitEach(failureHits(open), at, { weight: -1 });
  }

  async function countFailure(open: OpenFlow): Promise<void> {
    await store.counters.hitEach(failureHits(open), clock.now());
  }

  /** Everything that is not a live flow with this token is flow_not_found (api.md); a dead flow is attempts_exhausted. */
  async function openFlow(flowId: string, token: string | undefined): Promise<ServiceResult<OpenFlow>> {
    const idOk = flowIdSchema.safeParse(flowId).success;
    const tokenOk = token !== undefined && flowTokenSchema.safeParse(token).success;
    // Malformed input still costs a store read, so its answer time matches an unknown id's.
    const flow = await store.flows.getWithToken(
      idOk ? flowId : 'f_invalid',
      tokenOk ? token : 'invalid-token-0000',
      clock.now(),
    );
    if (!flow || !idOk || !tokenOk || flow.state === 'cancelled') return fail('flow_not_found');
    if (flow.state === 'attempts_exhausted') return fail('attempts_exhausted');
    const context = readFlowContext(flow.context);
    if (!context) return fail('flow_not_found');
    return {
      ok: true,
      value: { flow, context, real: !flow.decoy && flow.userId !== null && context.decoyReason === null },
    };
  }

  function verifiedWindowOpen(flow: FlowRecord): boolean {
    return (
      flow.state === 'verified' &&
      flow.verifiedAt !== null &&
      clock.now().getTime() - flow.verifiedAt.getTime() <= flowsConfig.verifiedWindowSeconds * 1000
    );
  }

  // Enroll flows offer the current password beside the directory-held methods (api.md).
  const publicMethods = (flow: FlowRecord) => [
    ...flow.methods.map((m) => ({ id: m.id, kind: m.kind, hint: m.hint })),
    ...(flow.purpose === 'enroll' ? [{ id: passwordMethodId, kind: 'password' as const }] : []),
  ];

  async function directoryFailed(
    open: OpenFlow | undefined,
    step: string,
    failure: DirectoryFailure,
    ctx: RequestContext,
  ) {
    await record(open, {
      type: 'directory_failed',
      reason: failure.code,
      detail: failure.upstreamCode ? `${step}: ${failure.upstreamCode}` : step,
      clientAddress: ctx.clientAddress,
    });
    return fail('directory_unavailable', {
      retryAfter: Math.max(1, Math.min(failure.retryAfter ?? 30, 3600)),
    });
  }

  /** The real user's offered methods, deliverable and inside the SMS allow-list, with flow-local ids. */
  function realMethods(
    candidates: { kind: MethodKind; source: string; destination: string }[],
    region: string | null,
  ): FlowMethod[] {
    const ordinal: Record<MethodKind, number> = { sms: 0, email: 0 };
    return deliverableMethods(candidates, region, delivery).map(({ kind, source, destination }) => ({
      id: `${kind}:${(ordinal[kind] += 1)}`,
      kind,
      hint: kind === 'sms' ? maskPhone(destination) : maskEmail(destination),
      destination,
      source,
    }));
  }

  /** The flow dies (every later request answers attempts_exhausted). */
  async function exhausted(open: OpenFlow, ctx: RequestContext): Promise<ServiceResult<never>> {
    if (
      await store.flows.transition(open.flow.id, ['verifying', 'verified'], { state: 'attempts_exhausted' })
    ) {
      await record(open, { type: 'attempts_exhausted', clientAddress: ctx.clientAddress });
    }
    return fail('attempts_exhausted');
  }

  const enrollment = createEnrollmentSteps({
    config: { flows: flowsConfig, limits },
    directory,
    store,
    delivery,
    clock,
    random,
    policyByName,
    record,
    countFailure,
    budgetSpent,
    reserveGuess,
    releaseGuess,
    overLimit,
    sendingCapWait,
    exhausted,
    directoryFailed,
    verifiedWindowOpen,
  });

  return {
    async start(input, ctx) {
      const normalizedName = normalizeIdentifier(input.username);
      const identifierHash = keyring.lookupHash('identifier', normalizedName);
      const addressKey = keyring.lookupHash('address', clientAddressKey(ctx.clientAddress));
      // Both are counted whichever refuses, in one statement.
      const [addressHit, nameHit] = await store.counters.hitEach(
        [
          { key: `start:addr:${addressKey}`, ...windowed(limits.startsPerAddress) },
          { key: `start:name:${identifierHash}`, ...windowed(limits.startsPerName) },
        ],
        clock.now(),
        // Sliding, so a burst across a window's edge does not get twice the limit through (T4).
        { sliding: true },
      );
      const addressWait = waitOf(addressHit);
      const nameWait = waitOf(nameHit);
      if (addressWait !== null || nameWait !== null) {
        await audit.record({
          type: 'rate_limited',
          reason: addressWait !== null ? 'client_address' : 'name',
          identifierHash,
          clientAddress: ctx.clientAddress,
        });
        return fail('rate_limited', { retryAfter: Math.max(addressWait ?? 0, nameWait ?? 0) });
      }

      // The directory is asked for the name exactly as the limits and decoys key it: a variant the
      // directory would not match (full-width letters, ß for ss) must not tell a real name's answer
      // apart from an unknown one's.
      const lookup = await directory.lookupUser(normalizedName);
      if (!lookup.ok) return directoryFailed(undefined, 'lookup', lookup, ctx);

      let refusal: RefusalReason | 'enrollment_not_allowed' | null = null;
      let userId: string | null = null;
      let upn: string | null = null;
      let policyName = config.policies.policies.at(-1)?.name ?? 'default';
      let real: { context: ResetFlowContext; methods: FlowMethod[] } | null = null;
      // A member refused at this door only: the methods their policy gives them (see below).
      let memberMethods: FlowMethod[] = [];
      let memberRegion: string | null = null;
      // Messages go out in the user's preferredLanguage, else the language on screen, else English.
      let preferredLanguage: string | null = null;

      if (lookup.value.kind !== 'found') {
        refusal = lookup.value.kind === 'none' ? 'not_found' : 'ambiguous';
        // The same second round trip an existing user costs (the per-user reads, for an id that
        // exists nowhere), so neither the time a start takes beyond its floor when Graph is slow,
        // nor a failure when Graph throttles, depends on whether the name exists. Its answer is
        // not used; a failure other than "no such user" fails the start as a real user's would.
        const shadow = await directory.getUserContext(randomUUID(), groupIds);
        if (!shadow.ok && shadow.code !== 'not_found') {
          return directoryFailed(undefined, 'user_context', shadow, ctx);
        }
      } else {
        const user = lookup.value.user;
        userId = user.id;
        preferredLanguage = user.preferredLanguage;
        upn = user.userPrincipalName;
        const context = await directory.getUserContext(user.id, groupIds);
        if (!context.ok) return directoryFailed(undefined, 'user_context', context, ctx);
        // Resets may use MyPass enrollments past their hold; an enroll flow's code goes only to a
        // method the directory holds (T12), so it is offered none.
        const enrollments =
          input.purpose === 'reset'
            ? await enrollment.confirmedMethods(user.id)
            : { usable: [], announced: [] };
        const enrolled = enrollments.usable;
        const decision = decideEligibility(config.policies, user, context.value, ctx.client, enrolled);
        policyName = decision.eligible ? decision.policy.name : decision.policyName;
        const memberOf = async (reason: string | null) => {
          // Refused here but served at another door (another channel or purpose): a decoy with
          // invented methods next to their real ones elsewhere would prove the person exists, so
          // the decoy shows what their policy gives them (nothing is ever sent from a decoy).
          if (reason === null || !doorRefusals.has(reason)) return;
          const policy = policyByName(policyName);
          const region = user.usageLocation ?? flowsConfig.defaultRegion;
          // Only someone served at some door (any channel, a reset with their enrollments) shows
          // their own methods; anyone refused everywhere gets an invented list, as an unknown name.
          const usable =
            input.purpose === 'reset' ? enrolled : (await enrollment.confirmedMethods(user.id)).usable;
          const anywhere = decideEligibility(config.policies, user, context.value, undefined, usable);
          if (
            !anywhere.eligible ||
            !(anywhere.policy.channels.kiosk || anywhere.policy.channels.web) ||
            realMethods(anywhere.methods, region).length < anywhere.methodsRequired
          ) {
            return;
          }
          memberRegion = region;
          memberMethods = realMethods(candidateMethods(policy, user, context.value, enrolled), region);
          // Only enrollments at a reset, none at this enroll door: the decoy shows those (an unknown
          // name's enroll list shares its methods with its reset list too). Nothing is sent from it.
          if (memberMethods.length === 0 && input.purpose === 'enroll') {
            memberMethods = realMethods(candidateMethods(policy, user, context.value, usable), region).map(
              (m) => ({ ...m, source: 'registered' }),
            );
          }
        };
        if (!decision.eligible) refusal = decision.reason;
        else if (input.purpose === 'enroll' && !decision.policy.enrollment.allowed) {
          refusal = 'enrollment_not_allowed';
        } else {
          const region = user.usageLocation ?? flowsConfig.defaultRegion;
          const methods = realMethods(decision.methods, region);
          if (methods.length < decision.methodsRequired) refusal = 'no_methods';
          else {
            const notify: ResetFlowContext['notify'] = [];
            for (const phone of context.value.phoneMethods) {
              const checked = delivery.checkPhone(phone.phoneNumber, region);
              if (checked.ok) notify.push({ kind: 'sms', destination: checked.e164 });
            }
            for (const email of context.value.emailMethods) {
              const address = normalizeConfirmation('email', email.emailAddress);
              if (address) notify.push({ kind: 'email', destination: address });
            }
            // Only the offering of methods waits for the hold; the announcement goes to every
            // confirmed enrollment, so a method added by an attacker cannot hide a reset (T1).
            for (const method of enrollments.announced) {
              if (!notify.some((n) => n.kind === method.kind && n.destination === method.destination)) {
                notify.push(method);
              }
            }
            real = {
              methods,
              context: {
                decoyReason: null,
                subject: user.id,
                userPrincipalName: user.userPrincipalName,
                displayName: user.displayName,
                region,
                atRisk:
                  context.value.riskState === 'atRisk' || context.value.riskState === 'confirmedCompromised',
                methodsRequired: decision.methodsRequired,
                notify,
                ...(input.purpose === 'enroll'
                  ? { enrollment: { proof: decision.policy.enrollment.proof, passwordFactor: null } }
                  : {}),
              },
            };
          }
        }
        await memberOf(refusal);
      }

      // The per-user limit holds whatever name was typed; a decoy's subject is its per-name pseudonym.
      const subject = real?.context.subject ?? userId ?? `decoy:${identifierHash}`;
      const userWait = await overLimit(`start:subject:${subject}`, limits.startsPerUser, { sliding: true });
      if (userWait !== null || (await budgetSpent(identifierHash, subject))) {
        await audit.record({
          type: 'rate_limited',
          reason: userWait !== null ? 'user' : 'failure_budget',
          identifierHash,
          ...(userId ? { userId } : {}),
          clientAddress: ctx.clientAddress,
        });
        return fail('rate_limited', { retryAfter: userWait ?? limits.failures.windowSeconds });
      }

      // A refused or unknown name is shown under a policy a real user could have through this door
      // (decoyShownPolicy): its password rules, enrollment proof and methods required must not
      // differ from a real user's, and a refused user's own policy would tell them apart. The audit
      // keeps the policy a refused member matched.
      const decoyName = userId ? `user\0${userId}` : normalizedName;
      let matchedPolicy: string | null = null;
      let decoyOffered: DecoyOffer | undefined;
      let decoyShown: { home: Policy | undefined; shown: Policy } | undefined;
      if (!real) {
        const matched = userId && refusedMembers.has(refusal ?? '') ? policyByName(policyName) : undefined;
        matchedPolicy = matched?.name ?? null;
        decoyShown = decoyPolicies(decoyName, matched, input.purpose, ctx.client);
        policyName = decoyShown.shown.name;
        decoyOffered = offerFor(decoyShown.shown, input.purpose);
      }

      const flowToken = newFlowToken(random);
      const decoyContext: ResetFlowContext = {
        decoyReason: refusal ?? 'not_found',
        subject,
        userPrincipalName: null,
        displayName: null,
        // A member's own numbers are read as their real flow reads them (T2: the same typed number
        // must confirm alike, and not spend their failure budget as a wrong guess).
        region: memberRegion ?? flowsConfig.defaultRegion,
        atRisk: false,
        methodsRequired: decoyOffered?.methodsRequired ?? 1,
        notify: [],
        matchedPolicy,
        ...(input.purpose === 'enroll'
          ? { enrollment: { proof: policyByName(policyName).enrollment.proof, passwordFactor: null } }
          : {}),
      };
      const context = real?.context ?? decoyContext;
      const flow = await store.flows.create({
        id: newFlowId(random),
        tokenHash: hashToken(flowToken),
        purpose: input.purpose,
        // A refused user's id stays out of the flow; the audit keeps it for the administrator.
        userId: real ? userId : null,
        decoy: real === null,
        identifierHash,
        policyName,
        methods:
          real?.methods ??
          // A refused user shows the same decoy whichever of their names was typed (UPN, mail,
          // employee ID), as a real user shows the same methods; unknown names key on the name.
          decoyMethodsFor(
            decoyName,
            memberMethods,
            memberRegion,
            decoyShown ?? { home: undefined, shown: policyByName(policyName) },
            input.purpose,
          ),
        expiresAt: new Date(clock.now().getTime() + flowsConfig.lifetimeSeconds * 1000),
        locale: messageLanguageFor(preferredLanguage, input.locale),
        clientAddress: ctx.clientAddress,
        context: toFlowContext(context),
      });
      const open: OpenFlow = { flow, context, real: real !== null };
      await record(open, { type: 'started', clientAddress: ctx.clientAddress });
      if (!real) {
        await record(open, {
          type: 'refused',
          reason: context.decoyReason ?? 'not_found',
          ...(userId ? { userId } : {}),
          ...(upn ? { userPrincipalName: upn } : {}),
        });
      }
      return {
        ok: true,
        value: {
          flowId: flow.id,
          flowToken,
          purpose: flow.purpose,
          state: 'verifying',
          expiresAt: iso(flow.expiresAt),
          methods: publicMethods(flow),
        },
      };
    },

    async challenge(flowId, token, input, ctx) {
      const opened = await openFlow(flowId, token);
      if (!opened.ok) return opened;
      const open = opened.value;
      const { flow, context } = open;
      const method = flow.methods.find((m) => m.id === input.method);
      if (
        flow.state !== 'verifying' ||
        !method ||
        flow.methodsVerified.some((v) => v.methodId === method.id)
      ) {
        return fail('method_not_available');
      }
      const destinationHash = keyring.lookupHash('destination', method.destination);
      if (limits.resendCooldownSeconds > 0) {
        // The cool-down runs from this method's last challenge (exact time); the atomic hit on top
        // keeps two parallel requests from both passing.
        const cooldownMs = limits.resendCooldownSeconds * 1000;
        const last = (await store.challenges.listForFlow(flow.id))
          .filter((c) => c.methodId === method.id)
          .reduce((latest, c) => Math.max(latest, c.createdAt.getTime()), 0);
        const sinceLast = clock.now().getTime() - last;
        if (sinceLast < cooldownMs) {
          return fail('resend_too_soon', {
            retryAfter: Math.max(1, Math.ceil((cooldownMs - sinceLast) / 1000)),
          });
        }
        const wait = await overLimit(`resend:${context.subject}:${destinationHash}`, {
          max: 1,
          windowSeconds: limits.resendCooldownSeconds,
        });
        if (wait !== null) return fail('resend_too_soon', { retryAfter: wait });
      }
      const typed = normalizeConfirmation(
        method.kind,
        input.confirm,
        context.region ?? flowsConfig.defaultRegion,
      );
      const confirmed = constantTimeEquals(typed ?? '', method.destination) && typed !== null;
      if (confirmed) {
        // Only a confirmed number or address spends the sending caps: wrong guesses (which send
        // nothing) must not use up a person's codes or the tenant's SMS budget. Decoys are never
        // confirmed by anyone who does not know a real number, so they behave alike.
        const capWait = await sendingCapWait(context.subject, destinationHash, method.kind);
        if (capWait !== null) {
          await record(open, { type: 'rate_limited', reason: 'too_many_challenges', methodId: method.id });
          return fail('too_many_challenges', { retryAfter: capWait });
        }
      } else if (!(await reserveGuess(open, clock.now()))) {
        // A wrong confirmation is a guess: it takes its place in the person's failure budget first.
        return exhausted(open, ctx);
      }
      const now = clock.now();
      const expiresAt = new Date(now.getTime() + flowsConfig.codeLifetimeSeconds * 1000);
      const code = newCode(random, flowsConfig.codeLength);
      const deliver = confirmed && open.real;
      const challenge = await store.transaction(async (tx) => {
        const created = await tx.challenges.create({
          id: newChallengeId(random),
          flowId: flow.id,
          methodId: method.id,
          destinationHash: deliver ? destinationHash : `${undeliveredMark}${destinationHash}`,
          code,
          expiresAt,
        });
        if (deliver) {
          const queued = await delivery.queueCode(tx.outbox, {
            challengeId: created.id,
            flowId: flow.id,
            channel: method.kind,
            destination: method.destination,
            code,
            locale: flow.locale,
            expiresAt,
          });
          if (!queued.ok) await tx.challenges.setDeliveryStatus(created.id, 'failed');
        }
        return created;
      });
      if (deliver) {
        delivery.worker.nudge();
        await record(open, {
          type: 'code_queued',
          methodId: method.id,
          challengeId: challenge.id,
          clientAddress: ctx.clientAddress,
        });
      } else if (!confirmed) {
        // Nothing is sent unless the full number or address matches; the guess spent the failure budget.
        await record(open, {
          type: 'confirmation_failed',
          methodId: method.id,
          challengeId: challenge.id,
          clientAddress: ctx.clientAddress,
        });
      } else {
        await record(open, {
          type: 'code_queued',
          methodId: method.id,
          challengeId: challenge.id,
          detail: 'decoy: not delivered',
          clientAddress: ctx.clientAddress,
        });
      }
      return {
        ok: true,
        value: {
          challengeId: challenge.id,
          method: method.id,
          codeLength: flowsConfig.codeLength,
          expiresAt: iso(challenge.expiresAt),
          resendAfter: limits.resendCooldownSeconds,
        },
      };
    },

    async verify(flowId, token, input, ctx) {
      const opened = await openFlow(flowId, token);
      if (!opened.ok) return opened;
      const open = opened.value;
      const { flow, context } = open;
      // The current password is a proof of enroll flows only (enrollment/enrollment-steps.ts); a reset proves codes.
      if (!('challengeId' in input)) {
        if (flow.purpose !== 'enroll') return fail('method_not_available');
        return enrollment.verifyPassword(open, input.password, ctx);
      }
      if (flow.state !== 'verifying') return fail('method_not_available');

      // New flows bring no new guesses: the budget per name and per user spans flows (T3), and each
      // guess takes its place in it before the code is checked.
      const guessAt = clock.now();
      if (!(await reserveGuess(open, guessAt))) return exhausted(open, ctx);

      const check = await store.challenges.verifyAndConsume(
        flow.id,
        input.challengeId,
        input.code,
        clock.now(),
      );
      if (check.ok && open.real) {
        await releaseGuess(open, guessAt);
        const updated = await store.flows.addVerifiedMethod(
          flow.id,
          check.challenge.methodId,
          // Enroll flows become verified by their policy's proof (codes and password), never by a count alone.
          flow.purpose === 'enroll' ? enrollProofsDecideState : context.methodsRequired,
          clock.now(),
        );
        if (!updated) return fail('flow_not_found');
        await record(open, {
          type: 'verified',
          methodId: check.challenge.methodId,
          challengeId: check.challenge.id,
          clientAddress: ctx.clientAddress,
        });
        if (flow.purpose === 'enroll') return enrollment.afterCode(open, updated);
        const verified = [...new Set(updated.methodsVerified.map((v) => v.methodId))];
        return {
          ok: true,
          value: {
            state: updated.state === 'verified' ? 'verified' : 'verifying',
            verified,
            methodsRemaining: Math.max(0, context.methodsRequired - verified.length),
          },
        };
      }
      if (!check.ok && check.reason === 'expired') {
        await releaseGuess(open, guessAt);
        return fail('code_expired');
      }

      // A wrong code (or any code in a decoy flow): one conditional UPDATE counts it, so 50 parallel
      // guesses count exactly `attemptsPerFlow`; its reserved place in the budget stays spent.
      const attempt = await store.flows.recordFailedAttempt(flow.id, limits.attemptsPerFlow);
      if (!attempt.counted) {
        await releaseGuess(open, guessAt);
        return exhausted(open, ctx);
      }
      await record(open, {
        type: 'verification_failed',
        challengeId: input.challengeId.slice(0, 64),
        clientAddress: ctx.clientAddress,
      });
      if (attempt.exhausted) {
        await record(open, { type: 'attempts_exhausted', clientAddress: ctx.clientAddress });
        return fail('attempts_exhausted');
      }
      return fail('code_invalid', { attemptsLeft: attempt.attemptsLeft });
    },

    async passwordPolicy(flowId, token) {
      const opened = await openFlow(flowId, token);
      if (!opened.ok) return opened;
      return { ok: true, value: policyByName(opened.value.flow.policyName).password };
    },

    async setPassword(flowId, token, input, ctx) {
      const opened = await openFlow(flowId, token);
      if (!opened.ok) return opened;
      const open = opened.value;
      const { flow, context } = open;
      if (flow.purpose !== 'reset' || !open.real || flow.userId === null || !verifiedWindowOpen(flow)) {
        return fail('flow_not_verified');
      }
      const userId = flow.userId;
      const policy = policyByName(flow.policyName);
      const violations = await checkNewPassword(input.newPassword, policy.password, {
        userPrincipalName: context.userPrincipalName ?? '',
        displayName: context.displayName ?? '',
      });
      if (violations.length > 0) {
        await record(open, { type: 'password_rejected', reason: 'policy', detail: violations.join(',') });
        return fail('password_policy', { violations });
      }
      if (inFlight.has(flow.id)) return fail('flow_not_verified');
      inFlight.add(flow.id);
      try {
        const reset = await directory.resetPassword(userId, input.newPassword);
        if (!reset.ok) {
          if (reset.code === 'password_rejected') {
            await record(open, {
              type: 'password_rejected',
              reason: 'directory',
              detail: reset.upstreamCode ?? reset.code,
            });
            return fail('password_policy', { violations: ['rejected_by_directory'] });
          }
          // Every directory failure leaves the flow verified and unfinished (CVE-2018-12421).
          return directoryFailed(open, 'reset_password', reset, ctx);
        }
      } finally {
        inFlight.delete(flow.id);
      }
      const completed = await store.flows.transition(flow.id, ['verified'], { state: 'completed' });
      // Another node finished the same flow at the same moment: it sends the notifications.
      if (!completed) return { ok: true, value: { state: 'completed' } };
      await record(open, { type: 'completed', clientAddress: ctx.clientAddress });

      // Follow-ups run only after the reset succeeded; a failure is audited and the reset stands.
      if (policy.afterReset.revokeSessions) {
        const revoked = await directory.revokeSignInSessions(userId);
        await record(
          open,
          revoked.ok
            ? { type: 'sessions_revoked' }
            : { type: 'directory_failed', reason: revoked.code, detail: 'revoke_sessions' },
        );
      }
      if (context.atRisk && policy.afterReset.dismissRisk) {
        const dismissed = await directory.dismissUserRisk(userId);
        await record(
          open,
          dismissed.ok
            ? { type: 'risk_dismissed' }
            : { type: 'directory_failed', reason: dismissed.code, detail: 'dismiss_risk' },
        );
      }
      // Every registered method hears about the reset; notifications are never rate-limited (T1, T4).
      // The methods that proved the flow do too, even from the `profile` source (as for enrollments).
      const targets = [...context.notify];
      const proven = new Set(flow.methodsVerified.map((v) => v.methodId));
      for (const m of flow.methods) {
        const known = targets.some((n) => n.kind === m.kind && n.destination === m.destination);
        if (proven.has(m.id) && (m.kind === 'sms' || m.kind === 'email') && !known) {
          targets.push({ kind: m.kind, destination: m.destination });
        }
      }
      let queued = 0;
      for (const target of targets) {
        const result = await delivery.queueNotification(store.outbox, {
          template: 'reset',
          flowId: flow.id,
          channel: target.kind,
          destination: target.destination,
          locale: flow.locale,
          vars: {
            account: context.userPrincipalName ?? '',
            time: iso(clock.now()),
            where: ctx.clientAddress,
          },
        });
        if (result.ok) queued += 1;
      }
      if (queued > 0) delivery.worker.nudge();
      await record(open, { type: 'notification_queued', detail: `${queued} of ${targets.length}` });
      return { ok: true, value: { state: 'completed' } };
    },

    async cancel(flowId, token, ctx) {
      const opened = await openFlow(flowId, token);
      if (!opened.ok) return opened;
      const open = opened.value;
      if (await store.flows.transition(open.flow.id, ['verifying', 'verified'], { state: 'cancelled' })) {
        await record(open, { type: 'cancelled', clientAddress: ctx.clientAddress });
      }
      return { ok: true, value: null };
    },

    async enroll(flowId, token, input, ctx) {
      const opened = await openFlow(flowId, token);
      if (!opened.ok) return opened;
      return enrollment.submit(opened.value, input, ctx);
    },

    async confirmEnrollment(flowId, token, input, ctx) {
      const opened = await openFlow(flowId, token);
      if (!opened.ok) return opened;
      return enrollment.confirm(opened.value, input, ctx);
    },

    async get(flowId, token) {
      const opened = await openFlow(flowId, token);
      if (!opened.ok) return opened;
      const { flow, context } = opened.value;
      const challenges = await store.challenges.listForFlow(flow.id);
      const verified = [...new Set(flow.methodsVerified.map((v) => v.methodId))];
      const enrolling = await enrollment.publicState(flow);
      const state =
        flow.state === 'completed' ? 'completed' : flow.state === 'verified' ? 'verified' : 'verifying';
      return {
        ok: true,
        value: {
          flowId: flow.id,
          purpose: flow.purpose,
          state,
          expiresAt: iso(flow.expiresAt),
          methods: publicMethods(flow),
          verified,
          ...(verified.length > 0
            ? {
                methodsRemaining:
                  flow.purpose === 'enroll'
                    ? enrollment.remaining(opened.value)
                    : Math.max(0, context.methodsRequired - verified.length),
              }
            : {}),
          ...(enrolling ? { enrollment: enrolling } : {}),
          challenges: challenges.map((c) => ({
            challengeId: c.id,
            method: c.methodId,
            status: shownStatus(c, clock.now(), flowsConfig.simulatedDeliveryMs),
            expiresAt: iso(c.expiresAt),
          })),
        },
      };
    },
  };
}

// A challenge that was never handed to the outbox (decoy flow, or a confirmation that did not match)
// carries this mark in its destination hash and shows the status a delivered one would (T2).
const undeliveredMark = 'undelivered:';

/**
 * Every challenge shows "queued" for 80–120 % of `simulatedDeliveryMs` (a share fixed by its id), so
 * when it turns "sent" says nothing about a real gateway's timing (T2); then an undelivered one shows
 * "sent" like a delivered one, and a delivered one its real status.
 */
function shownStatus(
  challenge: ChallengeRecord,
  now: Date,
  simulatedDeliveryMs: number,
): ChallengeRecord['deliveryStatus'] {
  const share = createHash('sha256').update(challenge.id).digest().readUInt16BE(0) / 0xffff;
  const shownAfterMs = simulatedDeliveryMs * (0.8 + 0.4 * share);
  if (now.getTime() - challenge.createdAt.getTime() < shownAfterMs) return 'queued';
  return challenge.destinationHash.startsWith(undeliveredMark) ? 'sent' : challenge.deliveryStatus;
}

// Two requests of one node must not change the same password twice; across nodes the state
// transition to `completed` decides who notifies.
const inFlight = new Set<string>();
