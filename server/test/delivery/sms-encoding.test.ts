import { describe, expect, it } from 'vitest';
import { languageTags } from '@mypass/locales';
import { createMessageRenderer } from '../../src/delivery/message-templates.js';
import { isGsm7, smsSegments, smsText } from '../../src/delivery/sms-encoding.js';

const renderer = createMessageRenderer({ product: 'MyPass', helpdesk: '+45 70 10 20 30' });
// The longest values a real message carries: a masked address, a UPN, an IPv6 client address.
const vars = {
  code: '123456',
  minutes: '10',
  account: 'adele.vance@contoso.example',
  method: 'a•••@m•••.example',
  time: '2026-11-28T16:34:59Z',
  where: '2001:db8:85a3::8a2e:370:7334',
};

describe('SMS in the GSM alphabet', () => {
  it('replaces only characters with an exact plain equivalent, and only when that makes the text GSM', () => {
    expect(smsText('a•••@m•••.example at 28\u202fNov, it’s “done” – ok…')).toBe(
      'a***@m***.example at 28 Nov, it\'s "done" - ok...',
    );
    // Polish keeps its letters (and so its typography): the message is UCS-2 either way.
    expect(smsText('Hasło dla a•••@m•••.example')).toBe('Hasło dla a•••@m•••.example');
    expect(isGsm7('Æble, øl, på, Straße, über, €5 [x]')).toBe(true);
    expect(isGsm7('naïve')).toBe(false);
  });

  it('counts the segments a gateway bills', () => {
    expect(smsSegments('x'.repeat(160))).toBe(1);
    expect(smsSegments('x'.repeat(161))).toBe(2);
    expect(smsSegments('€'.repeat(80))).toBe(1); // two septets each
    expect(smsSegments('€'.repeat(81))).toBe(2);
    expect(smsSegments('ł'.repeat(70))).toBe(1);
    expect(smsSegments('ł'.repeat(71))).toBe(2);
  });

  it('sends the English messages as GSM: the code in one segment, the notifications in two at most', () => {
    const code = renderer.render('code', 'sms', 'en', vars).text;
    const reset = renderer.render('reset', 'sms', 'en', vars).text;
    const enrolled = renderer.render('enrolled', 'sms', 'en', vars).text;
    for (const text of [code, reset, enrolled]) expect(isGsm7(text), text).toBe(true);
    expect(enrolled).toContain('a***@m***.example');
    expect([code, reset, enrolled].map(smsSegments)).toEqual([1, 2, 2]);
  });

  it('keeps every language whose letters GSM has in GSM, and every message in at most four segments', () => {
    const gsmLanguages = ['en', 'da', 'de', 'nb', 'nl', 'sv'];
    for (const lang of languageTags) {
      for (const template of ['code', 'reset', 'enrolled'] as const) {
        const text = renderer.render(template, 'sms', lang, vars).text;
        if (gsmLanguages.includes(lang)) expect(isGsm7(text), `${lang} ${template}: ${text}`).toBe(true);
        expect(smsSegments(text), `${lang} ${template}`).toBeLessThanOrEqual(4);
      }
    }
  });
});
