import { defaultPasswordPolicy } from '@mypass/flows';
import { describe, expect, it } from 'vitest';
import { checkNewPassword } from '../../src/flows-service/password-rules.js';

const user = { userPrincipalName: 'adele.vance@contoso.example', displayName: 'Adele Vance' };

describe('checkNewPassword', () => {
  it('refuses a common password without loading the strength scorer', async () => {
    expect(await checkNewPassword('P@ssw0rd123!', defaultPasswordPolicy, user)).toContain('common_password');
    expect(await checkNewPassword('Lantern-Harbor-72', defaultPasswordPolicy, user)).toEqual([]);
  });

  it('scores strength with zxcvbn when the policy sets minStrengthScore', async () => {
    const strict = { ...defaultPasswordPolicy, minStrengthScore: 4 as const };
    // Not on the common list, three classes, but guessable: zxcvbn scores it below 4.
    expect(await checkNewPassword('Summer2024x', strict, user)).toContain('too_weak');
    expect(await checkNewPassword('Lantern-Kestrel-Harbor-7291', strict, user)).toEqual([]);
  });
});
