import { describe, expect, it } from 'vitest';
import { loadMessages, messageLanguageFor, messageLanguages } from '../src/node.js';
import { readFileSync } from 'node:fs';
import { localesDir } from './resource-files.js';

describe('messages for SMS and e-mail (Node)', () => {
  it('offers every shipped language', () => {
    expect(messageLanguages).toContain('ar');
    expect(messageLanguages).toContain('zh-Hant');
    expect(messageLanguages.length).toBeGreaterThanOrEqual(36);
  });

  it('picks the preferredLanguage, else the language on screen, else English', () => {
    expect(messageLanguageFor('ar-SA', 'da')).toBe('ar');
    expect(messageLanguageFor('de-DE', undefined)).toBe('de');
    expect(messageLanguageFor(null, 'da')).toBe('da');
    expect(messageLanguageFor('tlh', 'nb-NO')).toBe('nb');
    expect(messageLanguageFor(undefined, undefined)).toBe('en');
    expect(messageLanguageFor('', 'xx')).toBe('en');
  });

  it('loads the templates for a regional tag, and English for an unknown one', () => {
    expect(loadMessages('de-DE').code.sms).toContain('{{code}}');
    expect(loadMessages('de-DE').code.sms).not.toBe(loadMessages('en').code.sms);
    expect(loadMessages('ar-SA')).toBe(loadMessages('ar'));
    expect(loadMessages('tlh')).toBe(loadMessages('en'));
  });

  it('is also what "@mypass/locales" gives Node (export condition "node"), while browsers get the Node-free entry', () => {
    const pkg = JSON.parse(readFileSync(`${localesDir}package.json`, 'utf8')) as {
      exports: Record<string, Record<string, Record<string, string> | string>>;
    };
    const root = pkg.exports['.'];
    expect(Object.keys(root ?? {}).slice(0, 2)).toEqual(['browser', 'node']);
    expect(root?.['node']).toMatchObject({ development: './src/node.ts', default: './dist/src/node.js' });
    expect(root?.['browser']).toMatchObject({
      development: './src/index.ts',
      default: './dist/src/index.js',
    });
  });
});
