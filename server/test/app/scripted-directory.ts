// A Directory with a small scripted tenant and per-call fault injection, for tests that need a
// failure at one exact call or thousands of look-ups per second. The integration tests use the real
// Entra connector against the emulator instead.
import type {
  Directory,
  DirectoryFailure,
  DirectoryResult,
  DirectoryUser,
  LookupOutcome,
  UserContext,
} from '../../src/directory/directory.js';

export interface ScriptedUser {
  user: DirectoryUser;
  context: UserContext;
}

export type DirectoryCall = Exclude<keyof Directory, 'isReady'>;

export function makeUser(
  partial: Partial<DirectoryUser> & { id: string; userPrincipalName: string },
): DirectoryUser {
  return {
    displayName: null,
    accountEnabled: true,
    mail: null,
    otherMails: [],
    mobilePhone: null,
    businessPhones: [],
    usageLocation: 'DK',
    preferredLanguage: null,
    lastPasswordChangeDateTime: null,
    onPremisesSyncEnabled: false,
    employeeId: null,
    userType: 'Member',
    ...partial,
  };
}

export function makeContext(partial: Partial<UserContext> = {}): UserContext {
  return {
    memberOfGroupIds: [],
    privilegedBy: [],
    phoneMethods: [],
    emailMethods: [],
    riskState: 'none',
    ...partial,
  };
}

export class ScriptedDirectory implements Directory {
  readonly users: ScriptedUser[] = [];
  readonly faults = new Map<DirectoryCall, DirectoryFailure>();
  readonly calls: { call: DirectoryCall; userId?: string }[] = [];
  readonly passwords = new Map<string, string>();
  readonly dismissed: string[] = [];
  readonly revoked: string[] = [];
  /** Passwords the directory refuses (its own banned list). */
  readonly bannedPasswords = new Set<string>();
  ready = true;
  /** Simulated Graph latency per call (timing tests). */
  latencyMs = 0;

  add(user: DirectoryUser, context: UserContext = makeContext()): this {
    this.users.push({ user, context });
    return this;
  }

  private async fault(call: DirectoryCall): Promise<DirectoryFailure | undefined> {
    if (this.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, this.latencyMs));
    return this.faults.get(call);
  }

  async lookupUser(identifier: string): Promise<DirectoryResult<LookupOutcome>> {
    this.calls.push({ call: 'lookupUser' });
    const fault = await this.fault('lookupUser');
    if (fault) return fault;
    const wanted = identifier.trim().toLowerCase();
    const matches = this.users.filter(({ user }) =>
      [user.userPrincipalName, user.mail, user.employeeId, ...user.otherMails]
        .filter((v): v is string => typeof v === 'string')
        .some((v) => v.toLowerCase() === wanted),
    );
    if (matches.length === 0) return { ok: true, value: { kind: 'none' } };
    if (matches.length > 1) return { ok: true, value: { kind: 'ambiguous', count: matches.length } };
    return { ok: true, value: { kind: 'found', user: (matches[0] as ScriptedUser).user } };
  }

  async getUserContext(userId: string, groupIds: readonly string[]): Promise<DirectoryResult<UserContext>> {
    this.calls.push({ call: 'getUserContext', userId });
    const fault = await this.fault('getUserContext');
    if (fault) return fault;
    const found = this.users.find((u) => u.user.id === userId);
    if (!found) return { ok: false, code: 'not_found' };
    const asked = new Set(groupIds);
    return {
      ok: true,
      value: {
        ...found.context,
        memberOfGroupIds: found.context.memberOfGroupIds.filter((g) => asked.has(g)),
      },
    };
  }

  async resetPassword(userId: string, newPassword: string): Promise<DirectoryResult<void>> {
    this.calls.push({ call: 'resetPassword', userId });
    const fault = await this.fault('resetPassword');
    if (fault) return fault;
    if (this.bannedPasswords.has(newPassword))
      return { ok: false, code: 'password_rejected', upstreamCode: 'Request_BadRequest' };
    this.passwords.set(userId, newPassword);
    return { ok: true, value: undefined };
  }

  async revokeSignInSessions(userId: string): Promise<DirectoryResult<void>> {
    this.calls.push({ call: 'revokeSignInSessions', userId });
    const fault = await this.fault('revokeSignInSessions');
    if (fault) return fault;
    this.revoked.push(userId);
    return { ok: true, value: undefined };
  }

  async dismissUserRisk(userId: string): Promise<DirectoryResult<void>> {
    this.calls.push({ call: 'dismissUserRisk', userId });
    const fault = await this.fault('dismissUserRisk');
    if (fault) return fault;
    this.dismissed.push(userId);
    return { ok: true, value: undefined };
  }

  async checkPassword(): Promise<DirectoryResult<never>> {
    return { ok: false, code: 'configuration_error' };
  }

  async isReady(): Promise<boolean> {
    return this.ready;
  }
}
