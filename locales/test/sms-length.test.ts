import { describe, expect, it } from 'vitest';
import { languageTags } from '../src/index.js';
import { flatten, readJson } from './resource-files.js';

// GSM 03.38 basic set, and the extension set whose characters take two septets.
const gsmBasic = new Set(
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà',
);
const gsmExtension = new Set('^{}\\[~]|€');

// Values of the size the server sends: a 23-character UPN, a short local time, a kiosk name, a
// helpdesk number and a masked method. Longer values eat into the budget: the server should keep
// {{time}} and {{where}} short in SMS (the e-mail has room).
const samples: Readonly<Record<string, string>> = {
  product: 'MyPass',
  code: '123456',
  minutes: '10',
  account: 'adele.vance@contoso.com',
  time: '28.11. 09:15',
  where: 'KIOSK-3',
  helpdesk: '+45 70 12 34 56',
  method: '+45 •• •• •• 78',
  usableFrom: '29.11. 09:15',
};

/**
 * SMS budget: a template written only in GSM-7 characters must fit one 160-septet SMS. Any other
 * character (Greek lower case, Cyrillic, Arabic, Hebrew, CJK, Polish ą, Romanian ș, Vietnamese …) makes
 * the whole SMS UCS-2: 70 characters in one segment, 67 per segment once split (the header takes 3),
 * and we allow two segments = 134 characters. The encoding is decided by the template's own text;
 * variables are filled with the samples above and counted as characters.
 */
function smsBudget(template: string): { length: number; limit: number; encoding: string } {
  const text = template.replace(/\{\{\s*(\w+)\s*\}\}/g, (_, name: string) => samples[name] ?? name);
  const own = template.replace(/\{\{[^}]*\}\}/g, '');
  const isGsm = [...own].every((ch) => gsmBasic.has(ch) || gsmExtension.has(ch));
  if (isGsm) {
    const septets = [...text].reduce((n, ch) => n + (gsmExtension.has(ch) ? 2 : 1), 0);
    return { length: septets, limit: 160, encoding: 'GSM-7' };
  }
  return { length: [...text].length, limit: 2 * 67, encoding: 'UCS-2' };
}

describe('SMS texts', () => {
  it('counts GSM-7 and UCS-2 as the networks do', () => {
    expect(smsBudget('Kode {{code}}')).toEqual({ length: 11, limit: 160, encoding: 'GSM-7' });
    expect(smsBudget('€')).toEqual({ length: 2, limit: 160, encoding: 'GSM-7' });
    expect(smsBudget('Kod {{code}} ą').encoding).toBe('UCS-2');
  });

  describe.each(languageTags)('%s', (tag) => {
    const strings = flatten(readJson(tag, 'messages'));
    it.each(['code.sms', 'reset.sms', 'enrolled.sms'])('%s fits the SMS budget', (key) => {
      const budget = smsBudget(strings[key] ?? '');
      expect(budget.length, `${budget.encoding}: ${strings[key]}`).toBeLessThanOrEqual(budget.limit);
    });
  });
});
