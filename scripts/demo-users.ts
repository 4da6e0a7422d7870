// The demo's view of the tenant: who exists, what is special, which methods they registered.
// Read from the emulator's loopback-only inspection endpoint, so it always matches the seed.
import { Agent } from 'undici';

interface InspectedUser {
  userPrincipalName: string;
  accountEnabled?: boolean;
  onPremisesSyncEnabled?: boolean | null;
  userType?: string | null;
  employeeId?: string | null;
  preferredLanguage?: string | null;
  riskState?: string | null;
  groups?: string[];
  directoryRoles?: string[];
  phoneMethods?: { phoneNumber: string }[];
  emailMethods?: { emailAddress: string }[];
}

/** The shape the web UI's demo panel reads from `GET /api/demo/users`. */
export interface DemoUser {
  userPrincipalName: string;
  note: string;
  methods: { kind: 'sms' | 'email'; destination: string }[];
}

function noteFor(user: InspectedUser): string {
  const notes: string[] = [];
  if (user.accountEnabled === false) notes.push('disabled');
  if (user.onPremisesSyncEnabled) notes.push('synced from on-premises');
  if (user.userType === 'Guest') notes.push('guest');
  if (user.riskState === 'atRisk') notes.push('at risk');
  if (user.employeeId) notes.push(`employee ID ${user.employeeId}`);
  if (user.preferredLanguage && user.preferredLanguage !== 'en-US')
    notes.push(`prefers ${user.preferredLanguage}`);
  if (user.directoryRoles?.length) notes.push(`role: ${user.directoryRoles.join(', ')}`);
  const groups = user.groups ?? [];
  if (groups.includes('MyPass Two Methods')) notes.push('needs two methods');
  if (!groups.includes('MyPass Licensed')) notes.push('not licensed');
  return notes.join('; ');
}

export async function readDemoUsers(emulatorOrigin: string, caPem: string): Promise<DemoUser[]> {
  const dispatcher = new Agent({ connect: { ca: caPem } });
  try {
    // undici's own fetch, so the CA applies to this one call only.
    const { fetch } = await import('undici');
    const response = await fetch(`${emulatorOrigin}/_emulator/users`, { dispatcher });
    const body = (await response.json()) as { value: InspectedUser[] };
    return body.value.map((u) => ({
      userPrincipalName: u.userPrincipalName,
      note: noteFor(u),
      methods: [
        ...(u.phoneMethods ?? []).map((p) => ({ kind: 'sms' as const, destination: p.phoneNumber })),
        ...(u.emailMethods ?? []).map((e) => ({ kind: 'email' as const, destination: e.emailAddress })),
      ],
    }));
  } finally {
    await dispatcher.close();
  }
}

export function demoUsersTable(users: readonly DemoUser[]): string {
  const width = Math.max(...users.map((u) => u.userPrincipalName.length));
  return users
    .map((u) => {
      const methods = u.methods.map((m) => m.destination).join(', ') || '(none)';
      return `  ${u.userPrincipalName.padEnd(width)}  ${methods.padEnd(46)}  ${u.note}`;
    })
    .join('\n');
}
