import { loadMessages } from '@mypass/locales/node';
import { describe, expect, it } from 'vitest';
import {
  createMessageRenderer,
  escapeHtml,
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
