// Doctor's checks of MyPass's own configuration and of what Entra says about it: policies weaker
// than the defaults, the method sources in use (T13), licensing, the age of the code keys, and the
// password grant as a real account sees it (Conditional Access). Pure functions over values the
// command gathered, so every finding is testable on its own.
import {
  malformedCount,
  sealedRowCount,
  type KeyUsage,
  type SealedKeyUsage,
} from '../store/maintenance-repository.js';
import { defaultPasswordPolicy } from '@mypass/flows/contract';
import type { DirectoryResult } from '../directory/directory.js';
import { servingPolicies } from '../flows-service/decoy-methods.js';
import { reachablePolicies } from '../policy/eligibility.js';
import type { MethodKind } from '../store/store.js';
import { overAllocated, seatCount } from '../policy/licensing.js';
import { weakerEnrollmentProofs, type PoliciesConfig, type Policy } from '../policy/policy-config.js';
import type { Finding } from './doctor-findings.js';

const DAY_MS = 86_400_000;
/** Rotate the code keys at least yearly: a key that leaked long ago still verifies and decrypts. */
export const CODE_KEY_MAX_AGE_DAYS = 365;
const DEFAULT_HOLD_HOURS = 72;

const where = (p: Policy, index: number) => `access.policies[${index}] "${p.name}"`;

/**
 * A decoy enroll flow takes the proof of one policy a real user could be served under there
 * (decoy-methods.ts: a name's home policy where it serves enroll flows, else one that does; most
 * often the last). Where those policies differ in whether a password sent before any code is checked
 * (proof `password`) or refused, a member always answers like their own policy and an unknown name
 * only for its share of names, so the answer tells members from unknown names better than chance (T2).
 */
export function enrollmentEnumerationFindings(
  access: PoliciesConfig,
  canDeliver: (kind: MethodKind) => boolean = () => true,
): Finding[] {
  const serving = servingPolicies(access, 'enroll', undefined, canDeliver);
  const home = servingPolicies(access, 'reset', undefined, canDeliver).at(-1);
  const most = home && serving.includes(home) ? home : serving.at(-1);
  if (!most) return [];
  const mostChecksPassword = most.enrollment.proof === 'password';
  const at = (p: Policy) => where(p, access.policies.indexOf(p));
  return serving.flatMap((p) =>
    p !== most && (p.enrollment.proof === 'password') !== mostChecksPassword
      ? [
          {
            check: 'policy.enrollment-enumeration',
            status: 'warn' as const,
            summary: `${at(p)} uses enrollment.proof ${p.enrollment.proof} where ${at(most)}, which most unknown names are shown, uses ${most.enrollment.proof}: a password sent before any code answers differently for its members, so anyone can tell members from unknown names better than by chance.`,
            fix: 'Use the same kind of proof (password alone, or a code first) in every policy that allows enrollment; code-then-password everywhere is the default.',
          },
        ]
      : [],
  );
}

/**
 * Policies that can never apply: first match wins, so a policy whose groups all belong to earlier
 * policies, one after a catch-all, or a catch-all after policies that cover every licensed group
 * serves nobody. Usually an ordering mistake; decoys are never shown under such a policy either.
 */
export function unreachablePolicyFindings(access: PoliciesConfig): Finding[] {
  const reachable = new Set(reachablePolicies(access, 'reset', undefined));
  return access.policies.flatMap((p, i) =>
    reachable.has(p)
      ? []
      : [
          {
            check: 'policy.unreachable',
            status: 'warn' as const,
            summary: `${where(p, i)} never applies: every licensed user it could match matches an earlier policy first (first match wins).`,
            fix: 'Move it before the policies that catch its users, or remove it.',
          },
        ],
  );
}

/** Each policy field set weaker than MyPass's default, with what it opens. */
export function weakPolicyFindings(access: PoliciesConfig): Finding[] {
  const findings: Finding[] = [];
  access.policies.forEach((p, i) => {
    const at = where(p, i);
    if (p.enrollment.allowed && weakerEnrollmentProofs.includes(p.enrollment.proof)) {
      findings.push({
        check: 'policy.enrollment',
        status: 'warn',
        summary: `${at} lets a person add a method with ${p.enrollment.proof === 'password' ? 'the password alone' : 'codes alone, without the password'} (enrollment.proof: ${p.enrollment.proof}).`,
        details: [
          p.enrollment.proof === 'password'
            ? 'A phished password then adds an attacker’s phone (T12). Even so, an "MFA required" or "expired" answer never suffices alone.'
            : 'Whoever holds one registered method can add another without knowing the password.',
        ],
        fix: `Set ${at}.enrollment.proof to code-then-password (the default).`,
      });
    }
    if (p.enrollment.allowed && p.enrollment.holdHours < DEFAULT_HOLD_HOURS) {
      findings.push({
        check: 'policy.enrollment-hold',
        status: 'warn',
        summary: `${at} makes a new method usable for resets after ${p.enrollment.holdHours} h (default ${DEFAULT_HOLD_HOURS} h).`,
        details: ['The hold gives the person time to notice the announcement of a method they did not add.'],
        fix: `Set ${at}.enrollment.holdHours to ${DEFAULT_HOLD_HOURS} or more.`,
      });
    }
    if (p.atRiskMethodsRequired < 2) {
      findings.push({
        check: 'policy.at-risk',
        status: 'warn',
        summary: `${at} lets a user Identity Protection flags as at risk reset with one method (atRiskMethodsRequired: 1).`,
        fix: `Remove atRiskMethodsRequired from ${at} (the default is 2).`,
      });
    }
    if (p.allowPrivileged) {
      findings.push({
        check: 'policy.privileged',
        status: 'warn',
        summary: `${at} lets holders of privileged directory roles reset through MyPass (allowPrivileged: true); they always prove two methods.`,
        details: [
          'Administrators are the accounts an attacker wants most; Microsoft lets them reset only with two methods, and MyPass’s service principal needs a stronger role to reset them.',
        ],
        fix: `Set ${at}.allowPrivileged: false unless administrators must use MyPass.`,
      });
    }
    const rules = p.password;
    const weak: string[] = [];
    if (rules.minLength < defaultPasswordPolicy.minLength)
      weak.push(`minLength ${rules.minLength} < ${defaultPasswordPolicy.minLength}`);
    if (rules.minCharacterClasses < defaultPasswordPolicy.minCharacterClasses)
      weak.push(
        `minCharacterClasses ${rules.minCharacterClasses} < ${defaultPasswordPolicy.minCharacterClasses}`,
      );
    if (!rules.forbidUserNameParts) weak.push('forbidUserNameParts off');
    if (!rules.blockCommonPasswords) weak.push('blockCommonPasswords off');
    if (weak.length > 0) {
      findings.push({
        check: 'policy.password',
        status: 'warn',
        summary: `${at} accepts weaker passwords than the default: ${weak.join(', ')}.`,
        details: ['Entra ID still applies its own rules and banned list; MyPass’s rules only add to them.'],
        fix: `Remove the weakened fields from ${at}.password.`,
      });
    }
  });
  return findings;
}

/** Which sources each policy takes methods from; profile fields warn (T13). */
export function methodSourceFindings(access: PoliciesConfig): Finding[] {
  const findings: Finding[] = [];
  const details: string[] = [];
  access.policies.forEach((p, i) => {
    const kinds = (['sms', 'email'] as const)
      .filter((k) => p.methods[k].allowed)
      .map((k) => `${k} from ${p.methods[k].sources.join(', ')}`);
    details.push(`${where(p, i)}: ${kinds.length > 0 ? kinds.join('; ') : 'no methods'}`);
    for (const kind of ['sms', 'email'] as const) {
      const rule = p.methods[kind];
      if (rule.allowed && rule.sources.includes('profile')) {
        findings.push({
          check: 'methods.sources',
          status: 'warn',
          summary: `${where(p, i)} takes ${kind === 'sms' ? 'mobile numbers' : 'e-mail addresses'} from profile fields (${kind === 'sms' ? 'mobilePhone' : 'otherMails'}).`,
          details: [
            'Helpdesk roles, HR synchronisation and apps with User-Phone.ReadWrite.All can change profile fields: whoever can edit them can redirect the code (T13).',
          ],
          fix: `Remove "profile" from ${where(p, i)}.methods.${kind}.sources once people have registered methods (Entra's own, or MyPass enrollment).`,
        });
      }
    }
  });
  findings.unshift({ check: 'methods.sources', status: 'info', summary: 'Method sources in use.', details });
  return findings;
}

export function codeKeyFindings(
  keys: readonly { id: string; createdAt?: string | undefined }[],
  now: Date,
): Finding[] {
  const newest = keys[0];
  if (!newest) return [];
  // A date in the key id (k2026-11-01, 20261101) counts when createdAt is absent.
  const fromId = /(\d{4})-?(\d{2})-?(\d{2})/.exec(newest.id);
  const made = newest.createdAt ?? (fromId ? `${fromId[1]}-${fromId[2]}-${fromId[3]}` : undefined);
  const date = made === undefined ? null : new Date(`${made}T00:00:00Z`);
  if (date === null || Number.isNaN(date.getTime())) {
    return [
      {
        check: 'code-keys.age',
        status: 'info',
        summary: `The age of the code key "${newest.id}" is unknown.`,
        fix: 'Give store.codeKeys[0] a createdAt date (or MYPASS_CODE_KEYS=id:secret:YYYY-MM-DD) so doctor can tell when to rotate.',
      },
    ];
  }
  const days = Math.floor((now.getTime() - date.getTime()) / DAY_MS);
  const rotate = `Add a new key after the current one in store.codeKeys (or MYPASS_CODE_KEYS) on every node and restart, then move it first on every node and restart, run \`mypass keys reseal\`, and remove the old one once \`mypass keys status\` says it can be dropped (\`mypass keys --help\`).`;
  if (days > CODE_KEY_MAX_AGE_DAYS) {
    return [
      {
        check: 'code-keys.age',
        status: 'warn',
        summary: `The newest code key "${newest.id}" is ${days} days old (rotate at least every ${CODE_KEY_MAX_AGE_DAYS}).`,
        fix: rotate,
      },
    ];
  }
  return [
    {
      check: 'code-keys.age',
      status: 'pass',
      summary: `The newest code key "${newest.id}" is ${days} day${days === 1 ? '' : 's'} old.`,
      ...(keys.length > 1
        ? { details: [`${keys.length - 1} older key(s) kept for verification and decryption.`] }
        : {}),
    },
  ];
}

export function licensingFindings(
  access: PoliciesConfig,
  counted: DirectoryResult<{ used: number; perGroup: { id: string; users: number }[] }> | null,
): Finding[] {
  if (access.licensedGroups.length === 0) {
    return access.seats === undefined
      ? []
      : [
          {
            check: 'licensing',
            status: 'warn',
            summary: `access.seats is ${access.seats} but no licensed groups are configured: seats cannot be counted.`,
            fix: 'List the licensed groups in access.licensedGroups.',
          },
        ];
  }
  if (counted === null || !counted.ok) {
    return [
      {
        check: 'licensing',
        status: 'warn',
        summary: `The licensed groups' members could not be counted (${counted?.ok === false ? (counted.upstreamCode ?? counted.code) : 'not asked'}).`,
        fix: 'Grant GroupMember.Read.All so MyPass can read the licensed groups.',
      },
    ];
  }
  const count = seatCount(counted.value, access.seats);
  if (count.total === null) {
    return [
      {
        check: 'licensing',
        status: 'info',
        summary: `${count.used} users in the licensed groups; no seat count configured (access.seats).`,
      },
    ];
  }
  if (overAllocated(count)) {
    return [
      {
        check: 'licensing',
        status: 'warn',
        summary: `${count.used} users in the licensed groups for ${count.total} seats: ${count.used - count.total} over. Nobody is refused.`,
        fix: 'Buy more seats (then raise access.seats) or narrow the licensed groups.',
      },
    ];
  }
  return [
    {
      check: 'licensing',
      status: 'pass',
      summary: `${count.used} of ${count.total} seats used (${count.available ?? 0} available).`,
    },
  ];
}

/** The password grant for a real (canary) account: the only way to see Conditional Access, which applies after the password is checked. */
export function passwordGrantCanaryFinding(
  user: string,
  answer: { ok: true } | { aadsts?: string; code?: string },
): Finding {
  const check = 'password-grant.conditional-access';
  if ('ok' in answer) {
    return {
      check,
      status: 'pass',
      summary: `The password grant works for ${user} from this server: Conditional Access lets enrollment through.`,
    };
  }
  switch (answer.aadsts) {
    case '53003':
      return {
        check,
        status: 'warn',
        summary: `Conditional Access blocks the password grant from this server's address (AADSTS53003 for ${user}): enrollment with the password cannot work.`,
        details: [
          'Every password check then answers password_invalid to the person and conditional_access in the audit.',
        ],
        fix: "Entra admin center › Protection › Conditional Access › Named locations: add the MyPass server's public IP address, then exclude that location (or the MyPass app) in the policy that blocks it — only for the password grant MyPass needs (T12).",
      };
    case '50076':
    case '50079':
      return {
        check,
        status: 'warn',
        summary: `Conditional Access asks ${user} for MFA on the password grant (AADSTS${answer.aadsts}): MyPass counts such a password as one factor only, never enough alone (T12).`,
        fix: 'Where enrollment must prove the password, exclude the MyPass server’s named location from the MFA policy for the MyPass app.',
      };
    case '50126':
      return {
        check,
        status: 'warn',
        summary: `The probe password for ${user} is wrong (AADSTS50126): Conditional Access could not be checked.`,
        fix: 'Set MYPASS_DOCTOR_PROBE_PASSWORD to the probe account’s current password.',
      };
    default:
      return {
        check,
        status: 'warn',
        summary: `The password grant for ${user} answered ${answer.aadsts !== undefined ? `AADSTS${answer.aadsts}` : (answer.code ?? 'nothing')}.`,
        fix: 'Check the probe account (enabled, not locked, cloud-only, not federated) and the Conditional Access policies that apply to it.',
      };
  }
}

/**
 * What the audit saw: password checks that Conditional Access refused (enrollment, AADSTS53003).
 * Needs no canary account, only people who tried; null when the store could not be read.
 */
export function conditionalAccessAuditFinding(blocked: number | null, days: number): Finding {
  const check = 'password-grant.audit';
  if (blocked === null) {
    return {
      check,
      status: 'info',
      summary: 'The store could not be read: the audit was not searched for Conditional Access refusals.',
    };
  }
  if (blocked === 0) {
    return {
      check,
      status: 'pass',
      summary: `No password check was refused by Conditional Access in the last ${days} days (audit).`,
    };
  }
  return {
    check,
    status: 'warn',
    summary: `${blocked} password check${blocked === 1 ? ' was' : 's were'} refused by Conditional Access in the last ${days} days (audit: password_failed, reason conditional_access).`,
    details: ['Those people saw "password invalid" and could not enroll.'],
    fix: "Add the MyPass server's public IP address as a named location and exclude it (or the MyPass app) from the policy that blocks the password grant; `mypass doctor --probe-user` confirms it.",
  };
}

/**
 * What the store holds sealed with which code key (`mypass keys status` shows the same in full):
 * fail when enrolled methods, queued messages or flows are sealed with a key that is no longer
 * configured (they cannot be read, so those methods are no longer offered), warn while some are
 * still sealed with an older configured key (dropping it would strand them) or rows an older
 * version wrote hold destinations in clear. Null: doctor could not read the store (no database
 * yet, or not migrated), so nothing is said.
 */
export function sealedKeyFindings(usage: SealedKeyUsage | null, keys: readonly { id: string }[]): Finding[] {
  if (usage === null) return [];
  const configured = new Set(keys.map((k) => k.id));
  const current = keys[0]?.id;
  const describe = (k: KeyUsage) =>
    `key "${k.keyId}": ${k.enrollmentsConfirmed} enrolled methods, ${k.enrollmentsPending} pending, ${k.outbox} queued messages, ${k.flows} flows`;
  const unreadable = usage.keys.filter((k) => !configured.has(k.keyId) && sealedRowCount(k) > 0);
  const malformed = malformedCount(usage);
  if (unreadable.length > 0 || malformed > 0) {
    return [
      {
        check: 'code-keys.sealed',
        status: 'fail',
        summary:
          'Enrolled methods, queued messages or flows are sealed with a code key that is not configured: they cannot be read.',
        details: [
          ...unreadable.map(describe),
          ...(malformed > 0 ? [`${malformed} sealed values without a readable key id`] : []),
        ],
        fix: 'Put the missing key back into store.codeKeys after the current one, then run `mypass keys reseal` (`mypass keys status` lists every key id).',
      },
    ];
  }
  const older = usage.keys.filter((k) => k.keyId !== current && sealedRowCount(k) > 0);
  const unsealed = usage.unsealed.flows + usage.unsealed.outbox;
  if (older.length > 0 || unsealed > 0) {
    return [
      {
        check: 'code-keys.sealed',
        status: 'warn',
        summary:
          older.length > 0
            ? 'Some enrolled methods, queued messages or flows are still sealed with an older code key.'
            : 'Some flows or outbox messages an older version wrote hold phone numbers or addresses in clear.',
        details: [
          ...older.map(describe),
          ...(unsealed > 0
            ? [`not sealed yet: ${usage.unsealed.flows} flows, ${usage.unsealed.outbox} outbox messages`]
            : []),
        ],
        fix: 'Run `mypass keys reseal` (and, after a rotation, only then remove the older key from store.codeKeys).',
      },
    ];
  }
  return [
    {
      check: 'code-keys.sealed',
      status: 'pass',
      summary: `Every enrolled method, queued message and flow is sealed with the current code key${current ? ` "${current}"` : ''}.`,
    },
  ];
}
