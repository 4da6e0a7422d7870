import { loadMessages } from '@mypass/locales/node';
import { describe, expect, it } from 'vitest';
import { languageTags } from '@mypass/locales';
import {
  createMessageRenderer,
  escapeHtml,
  formatInstant,
  htmlFromText,
  interpolate,
} from '../../src/delivery/message-templates.js';

const renderer = createMessageRenderer({
  product: 'MyPass',
  helpdesk: 'the Contoso helpdesk on 70 20 30 40',
});

describe('message templates', () => {
  it('renders the code SMS from the English template', () => {
    const rendered = renderer.render('code', 'sms', 'en', { code: '123456', minutes: '10' });
    expect(rendered).toEqual({
      lang: 'en',
      text: interpolate(loadMessages('en').code.sms, { product: 'MyPass', code: '123456', minutes: '10' }),
    });
    expect(rendered.text).toContain('123456');
    expect(rendered.text).not.toContain('{{');
  });

  it('renders the reset notification e-mail with text and HTML parts from the same paragraphs', () => {
    const m = renderer.render('reset', 'email', 'en-GB', {
      account: 'anna.berg@contoso.example',
      time: '28 November 2026 09:14 UTC',
      where: 'kiosk LOBBY-1 (192.0.2.10)',
    });
    expect(m.subject).toBe(loadMessages('en').reset.email.subject);
    for (const part of [
      'anna.berg@contoso.example',
      '28 November 2026 09:14 UTC',
      'kiosk LOBBY-1 (192.0.2.10)',
      'the Contoso helpdesk on 70 20 30 40',
    ]) {
      expect(m.text).toContain(part);
    }
    expect(m.text).not.toContain('{{');
    expect(m.html?.match(/<p>/g)).toHaveLength(m.text.split('\n\n').length);
  });

  it('escapes every value in the HTML part', () => {
    const m = renderer.render('enrolled', 'email', 'en', {
      method: '<script>alert(1)</script>',
      account: "o'brien@contoso.example",
      time: 't',
      where: 'w & co',
      usableFrom: 'u',
    });
    expect(m.html).not.toContain('<script>');
    expect(m.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(m.html).toContain('o&#39;brien@contoso.example');
    expect(m.html).toContain('w &amp; co');
    expect(m.text).toContain('<script>alert(1)</script>');
  });

  it('falls back to English for a language without messages', () => {
    expect(renderer.render('code', 'sms', 'x-klingon', { code: '1', minutes: '2' }).lang).toBe('en');
  });

  it('interpolates like i18next and never leaves a placeholder behind', () => {
    expect(interpolate('{{a}} and {{ b }} and {{missing}}.', { a: 'A', b: 'B' })).toBe('A and B and .');
    expect(interpolate('{{code}}', { code: '{{code}}' })).toBe('{{code}}');
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
    expect(htmlFromText('one\ntwo\n\nthree', 's', 'ar')).toContain('<html lang="ar" dir="rtl">');
    expect(htmlFromText('one\ntwo\n\nthree', 's', 'en')).toContain('<p>one<br>two</p>\n<p>three</p>');
  });
});

describe('instants in messages (usableFrom, time)', () => {
  // What the enrollment step passes: RFC 3339 in UTC.
  const vars = {
    account: 'adele.vance@contoso.example',
    method: 'a•••@m•••.example',
    time: '2026-11-28T16:34:59Z',
    where: '192.0.2.10',
    usableFrom: '2026-12-01T16:34:59Z',
  };

  it.each([
    ['en', 'Dec 1, 2026, 16:34 UTC', 'Nov 28, 16:34 UTC'],
    ['de', '1. Dez. 2026, 16:34 UTC', '28. Nov., 16:34 UTC'],
    ['ar', '1 ديسمبر 2026، 16:34 UTC', '28 نوفمبر، 16:34 UTC'],
    ['ja', '2026年12月1日 16:34 UTC', '11月28日 16:34 UTC'],
  ])("writes the enrolled announcement's dates for people in %s, in UTC", (lang, usableFrom, smsTime) => {
    const email = renderer.render('enrolled', 'email', lang, vars);
    expect(email.text).toContain(usableFrom);
    expect(email.html).toContain(escapeHtml(usableFrom));
    expect(email.text).not.toMatch(/\d{4}-\d{2}-\d{2}T/);
    const sms = renderer.render('enrolled', 'sms', lang, vars);
    expect(sms.text).toContain(smsTime);
    expect(sms.text).not.toMatch(/\d{4}-\d{2}-\d{2}T/);
  });

  it('says UTC in every shipped language, also where the language names it in words', () => {
    for (const lang of languageTags) {
      for (const channel of ['sms', 'email'] as const) {
        const text = formatInstant('2026-12-01T16:34:59Z', lang, channel);
        expect(text, `${lang} ${channel}`).toContain('UTC');
        expect(text, `${lang} ${channel}`).not.toContain('2026-12-01T');
      }
    }
    expect(formatInstant('2026-12-01T16:34:59Z', 'el', 'email')).not.toContain('Συντονισμένη');
  });

  it('leaves a value that is no RFC 3339 instant as it is', () => {
    expect(formatInstant('09:00 UTC', 'de', 'sms')).toBe('09:00 UTC');
    expect(formatInstant('2026-13-45T99:99:99Z', 'en', 'email')).toBe('2026-13-45T99:99:99Z');
    expect(renderer.render('reset', 'sms', 'en', { ...vars, time: 'noon' }).text).toContain('at noon from');
  });
});
