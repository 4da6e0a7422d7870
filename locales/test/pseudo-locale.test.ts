import { describe, expect, it } from 'vitest';
import { bundledUi, loadUiResources, pseudoLocale, pseudoLocalizeText } from '../src/index.js';
import { flatten, variablesOf } from './resource-files.js';

describe('pseudo-locale qps-ploc', () => {
  const english = flatten(bundledUi);

  it('accents letters, brackets the string and keeps variables and nesting intact', () => {
    expect(pseudoLocalizeText('Step {{step}} of {{total}}')).toMatch(
      /^\[Šţéþ \{\{step\}\} öƒ \{\{total\}\} !+\]$/,
    );
    expect(pseudoLocalizeText('$t(common.back) now')).toContain('$t(common.back)');
  });

  it('has every English key, each string at least 30 % longer, variables unchanged', async () => {
    const pseudo = flatten(await loadUiResources(pseudoLocale));
    expect(Object.keys(pseudo).sort()).toEqual(Object.keys(english).sort());
    for (const [key, text] of Object.entries(english)) {
      const p = pseudo[key] ?? '';
      expect(p.length, key).toBeGreaterThanOrEqual(Math.ceil(text.length * 1.3));
      expect(variablesOf(p), key).toEqual(variablesOf(text));
      expect(p, key).not.toBe(text);
    }
  });

  it('leaves no unaccented ASCII letter outside variables', async () => {
    const pseudo = flatten(await loadUiResources(pseudoLocale));
    for (const [key, text] of Object.entries(pseudo)) {
      expect(text.replace(/\{\{[^}]*\}\}/g, ''), key).not.toMatch(/[A-Za-z]/);
    }
  });
});
