// Entra ID's cloud password rule, as Graph applies it to PATCH passwordProfile: 8–256 allowed
// characters, 3 of 4 character classes, no part of the user's name, and the banned-password
// check (normalise common substitutions, count a banned term as one point, need five points).

export type PasswordRuleFailure = 'length' | 'characters' | 'classes' | 'user_name' | 'banned';

// Entra's allowed set: letters, digits, these symbols and the blank space.
const ALLOWED = /^[A-Za-z0-9@#$%^&*\-_!+=[\]{}|\\:',.?/`~"();<> ]*$/;

/** A small stand-in for Microsoft's global banned list plus the tenant's custom list. */
export const BANNED_TERMS: readonly string[] = [
  'password',
  'passw0rd',
  'welcome',
  'contoso',
  'letmein',
  'qwerty',
  'abc123',
  '123456',
  '123',
  'summer',
  'winter',
  'spring',
  'autumn',
  'iloveyou',
  'admin',
  'mypass',
];

const SUBSTITUTIONS: Readonly<Record<string, string>> = {
  '0': 'o',
  '1': 'l',
  '!': 'i',
  '3': 'e',
  '4': 'a',
  '@': 'a',
  '5': 's',
  $: 's',
  '7': 't',
};

function normalise(password: string): string {
  return [...password.toLowerCase()].map((c) => SUBSTITUTIONS[c] ?? c).join('');
}

function bannedScore(password: string): number {
  const lower = password.toLowerCase();
  const normal = normalise(password);
  // Longest terms first, so "123456" counts once rather than as "123" twice.
  const terms = [...BANNED_TERMS].sort((a, b) => b.length - a.length);
  const used = new Array<boolean>(password.length).fill(false);
  let points = 0;
  for (const term of terms) {
    for (const hay of [lower, normal]) {
      let from = 0;
      for (;;) {
        const at = hay.indexOf(term, from);
        if (at < 0) break;
        const span = used.slice(at, at + term.length);
        if (!span.some(Boolean)) {
          span.forEach((_, k) => (used[at + k] = true));
          points++;
        }
        from = at + 1;
      }
    }
  }
  return points + used.filter((u) => !u).length;
}

function nameParts(userPrincipalName: string, displayName: string | null | undefined): string[] {
  const local = userPrincipalName.split('@')[0] ?? '';
  return [...local.split(/[._\-'#]+/), ...(displayName ?? '').split(/[\s._\-'()]+/)]
    .map((p) => p.toLowerCase())
    .filter((p) => p.length >= 3);
}

export function checkEntraPassword(
  password: string,
  user: { userPrincipalName: string; displayName?: string | null },
): { ok: true } | { ok: false; rule: PasswordRuleFailure } {
  if (password.length < 8 || password.length > 256) return { ok: false, rule: 'length' };
  if (!ALLOWED.test(password)) return { ok: false, rule: 'characters' };
  const classes = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^A-Za-z0-9]/].filter((r) => r.test(password)).length;
  if (classes < 3) return { ok: false, rule: 'classes' };
  const lower = password.toLowerCase();
  if (nameParts(user.userPrincipalName, user.displayName).some((p) => lower.includes(p))) {
    return { ok: false, rule: 'user_name' };
  }
  if (bannedScore(password) < 5) return { ok: false, rule: 'banned' };
  return { ok: true };
}
