// The server's check of a new password: the same rules the UI shows live (flows' evaluatePassword),
// before the directory's own check, which is the one that finally counts.
import { type PasswordPolicy, type PasswordViolation } from '@mypass/flows/contract';
import { evaluatePassword, loadCommonPasswordChecker } from '@mypass/flows/password-rules';

export async function checkNewPassword(
  password: string,
  rules: PasswordPolicy,
  user: { userPrincipalName: string; displayName: string },
): Promise<PasswordViolation[]> {
  const checker =
    rules.blockCommonPasswords || rules.minStrengthScore !== undefined
      ? // zxcvbn's scorer and its English dictionaries only when a policy asks for a strength score.
        await loadCommonPasswordChecker({ strength: rules.minStrengthScore !== undefined })
      : null;
  const userNameParts = [
    user.userPrincipalName,
    user.userPrincipalName.split('@')[0] ?? '',
    user.displayName,
  ].filter((part) => part.length > 0);
  const evaluation = evaluatePassword(password, rules, { userNameParts, checker });
  // A rule that could not be checked counts as failed: the server never lets an unchecked password through.
  const pending = evaluation.checks.filter((c) => c.pending).map((c) => c.rule);
  return [...new Set([...evaluation.violations, ...pending])];
}
