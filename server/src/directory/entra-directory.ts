// The Directory port implemented against Entra ID with msal-node and the Graph client
// (entra.md, "Graph calls MyPass makes"). A reset costs at most three Graph requests: the
// look-up, one $batch for the per-user reads, the PATCH.
import { AuthError } from '@azure/msal-node';
import { GraphError } from '@microsoft/microsoft-graph-client';
import type * as Graph from '@microsoft/microsoft-graph-types';
import type { DirectoryConfig } from '../config/directory-config.js';
import type {
  Directory,
  DirectoryFailure,
  DirectoryResult,
  DirectoryUser,
  LookupOutcome,
  PasswordCheckOutcome,
  PrivilegeReason,
  RegisteredEmail,
  RegisteredPhone,
  UserContext,
} from './directory.js';
import { createEntraConnection, type EntraConnection } from './entra-connection.js';
import { aadstsNumber, failureFromStatus, parseRetryAfter, toDirectoryFailure } from './graph-errors.js';
import { guidEqualsFilter, isGuid, userLookupFilter } from './odata-filter.js';
import { OperationDeadline } from './operation-deadline.js';
import { passwordGrantOutcome } from './password-grant.js';

/** Properties beyond Graph's default set must be $selected (entra.md). */
export const USER_SELECT = [
  'id',
  'userPrincipalName',
  'displayName',
  'accountEnabled',
  'mail',
  'otherMails',
  'mobilePhone',
  'businessPhones',
  'usageLocation',
  'preferredLanguage',
  'lastPasswordChangeDateTime',
  'onPremisesSyncEnabled',
  'employeeId',
  'userType',
] as const;

/** Longer than any UPN (113), mail (256) or employee id (16) Entra accepts. */
const MAX_IDENTIFIER_LENGTH = 256;
/** Allowance for clock skew between us and Entra when judging an ambiguous password change. */
const CLOCK_SKEW_MS = 120_000;

/** Minimal pino-compatible logger; the connector logs degraded reads, never secrets. */
export interface DirectoryLogger {
  warn(details: Record<string, unknown>, message: string): void;
}

const ok = <T>(value: T): DirectoryResult<T> => ({ ok: true, value });

function toDirectoryUser(u: Graph.User): DirectoryUser {
  return {
    id: u.id ?? '',
    userPrincipalName: u.userPrincipalName ?? '',
    displayName: u.displayName ?? null,
    accountEnabled: u.accountEnabled ?? false,
    mail: u.mail ?? null,
    otherMails: u.otherMails ?? [],
    mobilePhone: u.mobilePhone ?? null,
    businessPhones: u.businessPhones ?? [],
    usageLocation: u.usageLocation ?? null,
    preferredLanguage: u.preferredLanguage ?? null,
    lastPasswordChangeDateTime: u.lastPasswordChangeDateTime ?? null,
    onPremisesSyncEnabled: u.onPremisesSyncEnabled ?? false,
    employeeId: u.employeeId ?? null,
    userType: u.userType ?? null,
  };
}

interface BatchRequest {
  id: string;
  method: 'GET' | 'POST';
  url: string;
  headers?: Record<string, string>;
  body?: unknown;
}
interface BatchResponse {
  id: string;
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
}

function subFailure(r: BatchResponse): DirectoryFailure {
  const code = (r.body as { error?: { code?: string } } | undefined)?.error?.code;
  const retryAfter = Object.entries(r.headers ?? {}).find(([k]) => k.toLowerCase() === 'retry-after')?.[1];
  return failureFromStatus(r.status, code, retryAfter);
}

export class EntraDirectory implements Directory {
  constructor(
    readonly connection: EntraConnection,
    private readonly logger?: DirectoryLogger,
  ) {}

  private get config(): DirectoryConfig {
    return this.connection.config;
  }

  lookupUser(identifier: string): Promise<DirectoryResult<LookupOutcome>> {
    const value = identifier.trim();
    if (value === '' || value.length > MAX_IDENTIFIER_LENGTH) return Promise.resolve(ok({ kind: 'none' }));
    return this.connection.run<LookupOutcome>(async (deadline) => {
      // otherMails/any(...) is an advanced query: ConsistencyLevel eventual + $count=true.
      // The Graph client does not encode query values; an `&` or `#` typed by a person must not
      // end the $filter parameter.
      const page = (await this.connection
        .api('/users', deadline)
        .header('ConsistencyLevel', 'eventual')
        .count(true)
        .filter(encodeURIComponent(userLookupFilter(value)))
        .select([...USER_SELECT])
        .top(2)
        .get()) as { value?: Graph.User[]; '@odata.count'?: number };
      const users = page.value ?? [];
      const count = Math.max(page['@odata.count'] ?? 0, users.length);
      if (count === 0) return ok({ kind: 'none' });
      if (count > 1) return ok({ kind: 'ambiguous', count });
      return ok({ kind: 'found', user: toDirectoryUser(users[0] as Graph.User) });
    });
  }

  getUserContext(userId: string, groupIds: readonly string[]): Promise<DirectoryResult<UserContext>> {
    if (!isGuid(userId)) return Promise.resolve({ ok: false, code: 'not_found', upstreamCode: 'not_a_guid' });
    const groups = [...new Set(groupIds.filter(isGuid))];
    return this.connection.run<UserContext>(async (deadline) => {
      const user = `/users/${userId}`;
      const requests: BatchRequest[] = [
        {
          id: 'phones',
          method: 'GET',
          url: `${user}/authentication/phoneMethods?$select=id,phoneNumber,phoneType`,
        },
        { id: 'emails', method: 'GET', url: `${user}/authentication/emailMethods?$select=id,emailAddress` },
        // Directory roles and role-assignable groups, transitively; paged only past 999 entries.
        {
          id: 'memberOf',
          method: 'GET',
          url: `${user}/transitiveMemberOf?$select=id,roleTemplateId,isAssignableToRole&$top=999`,
        },
        {
          id: 'eligibility',
          method: 'GET',
          url: `/roleManagement/directory/roleEligibilitySchedules?$filter=${encodeURIComponent(guidEqualsFilter('principalId', userId))}&$select=id,roleDefinitionId`,
        },
        { id: 'risk', method: 'GET', url: `/identityProtection/riskyUsers/${userId}?$select=id,riskState` },
      ];
      if (groups.length > 0) {
        requests.push({
          id: 'groups',
          method: 'POST',
          url: `${user}/checkMemberObjects`,
          headers: { 'Content-Type': 'application/json' },
          body: { ids: groups },
        });
      }
      const byId = await this.sendBatch(requests, deadline);
      const get = (id: string): BatchResponse =>
        byId.get(id) ?? { id, status: 500, body: { error: { code: 'missing_batch_response' } } };
      const okBody = <T>(r: BatchResponse): T | DirectoryFailure =>
        r.status >= 200 && r.status < 300 ? (r.body as T) : subFailure(r);
      const isFailure = (v: unknown): v is DirectoryFailure =>
        (v as DirectoryFailure | undefined)?.ok === false;

      const phones = okBody<{ value?: Graph.PhoneAuthenticationMethod[] }>(get('phones'));
      if (isFailure(phones)) return phones;
      const emails = okBody<{ value?: Graph.EmailAuthenticationMethod[] }>(get('emails'));
      if (isFailure(emails)) return emails;
      const memberOf = okBody<{
        value?: (Graph.DirectoryRole & Graph.Group & { '@odata.type'?: string })[];
        '@odata.nextLink'?: string;
      }>(get('memberOf'));
      if (isFailure(memberOf)) return memberOf;
      let memberOfGroupIds: string[] = [];
      if (groups.length > 0) {
        const member = okBody<{ value?: string[] }>(get('groups'));
        if (isFailure(member)) return member;
        memberOfGroupIds = (member.value ?? []).filter((id) => groups.includes(id));
      }

      const privilegedBy = new Set<PrivilegeReason>();
      let entries = memberOf.value ?? [];
      let next = memberOf['@odata.nextLink'];
      while (next !== undefined) {
        const more = (await this.connection.api(next, deadline).get()) as typeof memberOf;
        entries = entries.concat(more.value ?? []);
        next = more['@odata.nextLink'];
      }
      for (const entry of entries) {
        if (entry['@odata.type'] === '#microsoft.graph.directoryRole') privilegedBy.add('directory_role');
        if (entry['@odata.type'] === '#microsoft.graph.group' && entry.isAssignableToRole === true) {
          privilegedBy.add('role_assignable_group');
        }
      }

      const eligibility = get('eligibility');
      if (eligibility.status >= 200 && eligibility.status < 300) {
        if (((eligibility.body as { value?: unknown[] } | undefined)?.value ?? []).length > 0)
          privilegedBy.add('pim_eligible_role');
      } else if (eligibility.status === 429 || eligibility.status >= 500) {
        return subFailure(eligibility);
      } else {
        // No PIM in this tenant (no P2 licence) or no permission to read it: not a membership.
        this.logger?.warn(
          { status: eligibility.status, read: 'roleEligibilitySchedules' },
          'PIM eligibility not readable',
        );
      }

      let riskState: UserContext['riskState'] = 'none';
      const risk = get('risk');
      if (risk.status >= 200 && risk.status < 300) {
        riskState = (risk.body as Graph.RiskyUser | undefined)?.riskState ?? 'none';
      } else if (risk.status === 429 || risk.status >= 500) {
        return subFailure(risk);
      } else if (risk.status !== 404) {
        // 404: never risky. 403: no IdentityRiskyUser permission or no P2 — treated as none, but said.
        this.logger?.warn(
          { status: risk.status, read: 'riskyUsers' },
          'user risk not readable; treated as none',
        );
      }

      const phoneMethods: RegisteredPhone[] = (phones.value ?? []).map((p) => ({
        id: p.id ?? '',
        phoneNumber: p.phoneNumber ?? '',
        phoneType: p.phoneType ?? 'mobile',
      }));
      const emailMethods: RegisteredEmail[] = (emails.value ?? []).map((e) => ({
        id: e.id ?? '',
        emailAddress: e.emailAddress ?? '',
      }));
      return ok({ memberOfGroupIds, privilegedBy: [...privilegedBy], phoneMethods, emailMethods, riskState });
    });
  }

  /**
   * POST /$batch. The RetryHandler sees only the outer 200, so throttled or unavailable inner
   * requests are re-sent here, alone, after their Retry-After — while that fits in the time cap.
   */
  private async sendBatch(
    requests: BatchRequest[],
    deadline: OperationDeadline,
  ): Promise<Map<string, BatchResponse>> {
    const answers = new Map<string, BatchResponse>();
    let pending = requests;
    for (let round = 0; pending.length > 0 && round < 4; round++) {
      const batch = (await this.connection.api('/$batch', deadline).post({ requests: pending })) as {
        responses?: BatchResponse[];
      };
      for (const r of batch.responses ?? []) answers.set(r.id, r);
      const retryable = pending.filter((q) => [429, 503, 504].includes(answers.get(q.id)?.status ?? 0));
      if (retryable.length === 0) break;
      const wait = Math.max(
        1,
        ...retryable.map((q) => {
          const header = Object.entries(answers.get(q.id)?.headers ?? {}).find(
            ([k]) => k.toLowerCase() === 'retry-after',
          );
          return parseRetryAfter(header?.[1]) ?? 1;
        }),
      );
      deadline.lastRetryAfter = wait;
      if (!deadline.allowsWait(wait)) break;
      await new Promise((resolve) => setTimeout(resolve, wait * 1000));
      pending = retryable;
    }
    return answers;
  }

  /**
   * PATCH passwordProfile. A timeout, dropped connection or 504 is ambiguous — the change may
   * have been applied — so lastPasswordChangeDateTime is re-read (with its own time cap):
   * changed since just before the call means success. `knownLastChange` (from the look-up)
   * makes that judgement exact instead of clock-based.
   */
  resetPassword(
    userId: string,
    newPassword: string,
    knownLastChange?: string | null,
  ): Promise<DirectoryResult<void>> {
    if (!isGuid(userId)) return Promise.resolve({ ok: false, code: 'not_found', upstreamCode: 'not_a_guid' });
    const startedAt = Date.now();
    return this.connection.run(async (deadline) => {
      try {
        await this.connection
          .api(`/users/${userId}`, deadline, { retryGatewayTimeout: false })
          .patch({ passwordProfile: { password: newPassword, forceChangePasswordNextSignIn: false } });
        return ok(undefined);
      } catch (error) {
        if (error instanceof GraphError && error.statusCode === 400) {
          return { ok: false, code: 'password_rejected', upstreamCode: error.code ?? 'Request_BadRequest' };
        }
        const ambiguous =
          error instanceof GraphError &&
          (error.statusCode === 504 || error.statusCode === -1 || error.statusCode === 0);
        if (!ambiguous) throw error;
        const changed = await this.passwordChangedSince(userId, startedAt, knownLastChange);
        if (changed.ok) {
          return changed.value ? ok(undefined) : this.connection.failure(error, deadline);
        }
        return changed;
      }
    });
  }

  private async passwordChangedSince(
    userId: string,
    startedAt: number,
    knownLastChange?: string | null,
  ): Promise<DirectoryResult<boolean>> {
    const deadline = new OperationDeadline(this.config.timeouts.operationMs);
    try {
      const u = (await this.connection
        .api(`/users/${userId}`, deadline)
        .select(['id', 'lastPasswordChangeDateTime'])
        .get()) as Graph.User;
      const last = u.lastPasswordChangeDateTime ?? null;
      if (last === null) return ok(false);
      if (knownLastChange !== undefined) return ok(last !== knownLastChange);
      return ok(Date.parse(last) >= startedAt - CLOCK_SKEW_MS);
    } catch (error) {
      return this.connection.failure(error, deadline);
    } finally {
      deadline.dispose();
    }
  }

  revokeSignInSessions(userId: string): Promise<DirectoryResult<void>> {
    if (!isGuid(userId)) return Promise.resolve({ ok: false, code: 'not_found', upstreamCode: 'not_a_guid' });
    return this.connection.run(async (deadline) => {
      await this.connection.api(`/users/${userId}/revokeSignInSessions`, deadline).post({});
      return ok(undefined);
    });
  }

  dismissUserRisk(userId: string): Promise<DirectoryResult<void>> {
    if (!isGuid(userId)) return Promise.resolve({ ok: false, code: 'not_found', upstreamCode: 'not_a_guid' });
    return this.connection.run(async (deadline) => {
      await this.connection
        .api('/identityProtection/riskyUsers/dismiss', deadline)
        .post({ userIds: [userId] });
      return ok(undefined);
    });
  }

  async checkPassword(
    userPrincipalName: string,
    password: string,
  ): Promise<DirectoryResult<PasswordCheckOutcome>> {
    if (!this.config.passwordGrant.enabled) {
      return { ok: false, code: 'configuration_error', upstreamCode: 'password_grant_disabled' };
    }
    const upn = userPrincipalName.trim();
    if (upn === '' || upn.length > MAX_IDENTIFIER_LENGTH || password === '')
      return ok({ proven: false, reason: 'other' });
    const network = this.connection.credentials.network;
    try {
      await this.connection.credentials.passwordGrant(upn, password);
      return ok({ proven: true, factor: 'full', reason: 'ok' });
    } catch (error) {
      if (!(error instanceof AuthError)) return toDirectoryFailure(error);
      const aadsts = aadstsNumber(error);
      const throttle = network.throttleSecondsLeft();
      if (aadsts === undefined) {
        // No AADSTS number: a transport failure or msal's local throttle, never a verdict.
        return toDirectoryFailure(error, { tokenThrottleSeconds: () => throttle });
      }
      const outcome = passwordGrantOutcome(aadsts);
      if (outcome === 'configuration_error')
        return { ok: false, code: 'configuration_error', upstreamCode: `AADSTS${aadsts}` };
      if (outcome === 'unavailable') {
        return {
          ok: false,
          code: 'directory_unavailable',
          upstreamCode: `AADSTS${aadsts}`,
          ...(throttle !== undefined ? { retryAfter: throttle } : {}),
        };
      }
      return ok(outcome);
    }
  }

  async isReady(): Promise<boolean> {
    try {
      await this.connection.credentials.appToken();
      return true;
    } catch {
      return false;
    }
  }

  close(): Promise<void> {
    return this.connection.close();
  }
}

/** The connector from a validated `directory` section; a bad certificate file is a configuration_error. */
export async function createEntraDirectory(
  config: DirectoryConfig,
  logger?: DirectoryLogger,
): Promise<DirectoryResult<EntraDirectory>> {
  const connection = await createEntraConnection(config);
  if (!connection.ok) return connection;
  return ok(new EntraDirectory(connection.value, logger));
}
