// Who may reset through MyPass and under which policy (T9, T13). Pure: the flows service feeds it
// what the directory said; the refusal reason goes to the audit only, the user sees a decoy (T2).
import type { DirectoryUser, UserContext } from '../directory/directory.js';
import type { ClientChannel } from './client-channel.js';
import type { FlowPurpose } from '../store/store.js';
import type { PoliciesConfig, Policy } from './policy-config.js';

export type MethodKind = 'sms' | 'email';
/** Where a method comes from (T13): Entra's registered methods, MyPass enrollments, or profile fields. */
export type MethodSource = 'registered' | 'enrolled' | 'profile';

export type RefusalReason =
  | 'disabled'
  | 'unlicensed'
  | 'guest'
  | 'deny_listed'
  | 'privileged'
  | 'synced'
  | 'no_methods'
  | 'channel'
  | 'ambiguous'
  | 'not_found';

/** A method the user could prove, before it gets a flow-local id and a hint. */
export interface CandidateMethod {
  kind: MethodKind;
  source: MethodSource;
  destination: string;
}

export type Eligibility =
  | { eligible: true; policy: Policy; methodsRequired: number; methods: CandidateMethod[] }
  | { eligible: false; reason: RefusalReason; policyName: string };

/** Every group id the directory must check membership of, in one call. */
export function groupIdsOfInterest(config: PoliciesConfig): string[] {
  return [...new Set([...config.licensedGroups, ...config.policies.flatMap((p) => p.groups)])];
}

/** First policy whose groups the user belongs to; a policy without groups matches everyone. */
export function matchPolicy(config: PoliciesConfig, memberOfGroupIds: readonly string[]): Policy | undefined {
  const member = new Set(memberOfGroupIds.map((id) => id.toLowerCase()));
  return config.policies.find(
    (p) => p.groups.length === 0 || p.groups.some((g) => member.has(g.toLowerCase())),
  );
}

/**
 * The policies a real user can be served under through this door: first match wins (a policy whose
 * groups all belong to earlier policies, anything after a catch-all, and anything after policies that
 * name every licensed group matches no licensed user), and the policy must allow the channel and,
 * for enroll flows, enrollment. A user of any other policy gets a decoy here.
 */
export function reachablePolicies(
  config: PoliciesConfig,
  purpose: FlowPurpose,
  channel: ClientChannel | undefined,
): Policy[] {
  const licensed = config.licensedGroups.map((g) => g.toLowerCase());
  const covered = new Set<string>();
  let everyoneMatched = false;
  const matchable: Policy[] = [];
  for (const policy of config.policies) {
    // Past a catch-all, or once earlier policies name every licensed group, no licensed user is left.
    if (everyoneMatched || (licensed.length > 0 && licensed.every((g) => covered.has(g)))) break;
    const groups = policy.groups.map((g) => g.toLowerCase());
    if (groups.length === 0) {
      everyoneMatched = true;
      matchable.push(policy);
    } else {
      if (groups.some((g) => !covered.has(g))) matchable.push(policy);
      for (const g of groups) covered.add(g);
    }
  }
  return matchable.filter(
    (p) => (channel === undefined || p.channels[channel]) && (purpose !== 'enroll' || p.enrollment.allowed),
  );
}

// Registered phones of type "office" are landlines in Entra's model and cannot receive SMS.
const smsCapablePhoneTypes = new Set(['mobile', 'alternatemobile']);

export function candidateMethods(
  policy: Policy,
  user: DirectoryUser,
  context: UserContext,
  /** The user's MyPass enrollments whose hold is over (issue 5); offered where the policy's sources include `enrolled`. */
  enrolled: readonly { kind: MethodKind; destination: string }[] = [],
): CandidateMethod[] {
  const out: CandidateMethod[] = [];
  const add = (kind: MethodKind, source: MethodSource, destination: string | null | undefined): void => {
    const value = destination?.trim();
    if (!value) return;
    const rule = policy.methods[kind];
    if (!rule.allowed || !rule.sources.includes(source)) return;
    const key = kind === 'email' ? value.toLowerCase() : value.replace(/[^\d+]/g, '');
    if (out.some((m) => m.kind === kind && sameDestination(m, key))) return;
    out.push({ kind, source, destination: value });
  };
  for (const phone of context.phoneMethods) {
    if (smsCapablePhoneTypes.has(String(phone.phoneType).toLowerCase()))
      add('sms', 'registered', phone.phoneNumber);
  }
  for (const email of context.emailMethods) add('email', 'registered', email.emailAddress);
  for (const method of enrolled) add(method.kind, 'enrolled', method.destination);
  add('sms', 'profile', user.mobilePhone);
  for (const address of user.otherMails) add('email', 'profile', address);
  return out;
}

function sameDestination(method: CandidateMethod, key: string): boolean {
  return (
    (method.kind === 'email'
      ? method.destination.toLowerCase()
      : method.destination.replace(/[^\d+]/g, '')) === key
  );
}

function isDenyListed(config: PoliciesConfig, user: DirectoryUser): boolean {
  const entries = new Set(config.denyList.map((e) => e.trim().toLowerCase()));
  return entries.has(user.id.toLowerCase()) || entries.has(user.userPrincipalName.toLowerCase());
}

export function decideEligibility(
  config: PoliciesConfig,
  user: DirectoryUser,
  context: UserContext,
  /** The calling client; unknown (undefined) skips the channel check. */
  channel?: ClientChannel,
  /** Usable MyPass enrollments (hold over); enroll flows pass none: their code goes to a directory-held method (T12). */
  enrolled: readonly { kind: MethodKind; destination: string }[] = [],
): Eligibility {
  const fallbackName = config.policies.at(-1)?.name ?? 'default';
  const refuse = (reason: RefusalReason, policyName = fallbackName): Eligibility => ({
    eligible: false,
    reason,
    policyName,
  });
  if (isDenyListed(config, user)) return refuse('deny_listed');
  if ((user.userType ?? 'Member').toLowerCase() === 'guest' || user.userPrincipalName.includes('#EXT#')) {
    return refuse('guest');
  }
  if (!user.accountEnabled) return refuse('disabled');
  // A cloud reset never reaches on-premises AD; synced users stay decoys until a gateway exists.
  if (user.onPremisesSyncEnabled) return refuse('synced');
  const member = new Set(context.memberOfGroupIds.map((id) => id.toLowerCase()));
  if (config.licensedGroups.length > 0 && !config.licensedGroups.some((g) => member.has(g.toLowerCase()))) {
    return refuse('unlicensed');
  }
  const policy = matchPolicy(config, context.memberOfGroupIds);
  if (!policy) return refuse('unlicensed');
  const privileged = context.privilegedBy.length > 0;
  if (privileged && !policy.allowPrivileged) return refuse('privileged', policy.name);
  if (channel !== undefined && !policy.channels[channel]) return refuse('channel', policy.name);
  const atRisk = context.riskState === 'atRisk' || context.riskState === 'confirmedCompromised';
  let methodsRequired = policy.methodsRequired;
  if (atRisk) methodsRequired = Math.max(methodsRequired, policy.atRiskMethodsRequired);
  // Privileged users, where a policy allows them at all, always prove two methods (T9; Entra's own rule for admins).
  if (privileged) methodsRequired = 2;
  const methods = candidateMethods(policy, user, context, enrolled);
  if (methods.length < methodsRequired) return refuse('no_methods', policy.name);
  return { eligible: true, policy, methodsRequired, methods };
}
