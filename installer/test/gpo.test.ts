// The Group Policy templates (installer/gpo): well-formed and valid against Microsoft's ADMX schema
// where the schema is at hand, every reference resolving in every language, the same strings in every
// language, and exactly the registry values the credential provider and the kiosk read.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { languageTags } from '@mypass/locales';
import { kioskPolicySchema, policyDefaults } from '@mypass/kiosk/main/kiosk-policy';
import { kioskPolicyKey, registryPolicyValues } from '@mypass/kiosk/main/registry-policy';
import { describe, expect, it } from 'vitest';
import {
  admlCultures,
  admxPath,
  admxRegistryValues,
  attr,
  child,
  children,
  gpoDir,
  parseXml,
  policyElements,
  policyValuesHeader,
  providerRegistryValues,
  repoRoot,
  textOf,
  triple,
  type PolicyElementKind,
  type XmlNode,
} from './gpo-templates.js';

// Issue 8: at least these cultures; more are welcome (one per kiosk language).
const requiredCultures = [
  'en-US',
  'da-DK',
  'de-DE',
  'fr-FR',
  'es-ES',
  'nl-NL',
  'sv-SE',
  'nb-NO',
  'fi-FI',
  'ja-JP',
  'ar-SA',
];

const admx = parseXml(admxPath);
const root = child(admx, 'policyDefinitions');
const policies = children(child(root, 'policies'), 'policy');
const categories = children(child(root, 'categories'), 'category');
const cultures = admlCultures();
const admlPath = (culture: string) => join(gpoDir, culture, 'MyPass.adml');
const adml = new Map(cultures.map((culture) => [culture, parseXml(admlPath(culture))]));

function stringTable(culture: string): Map<string, string> {
  const resources = child(child(adml.get(culture), 'policyDefinitionResources'), 'resources');
  return new Map(
    children(child(resources, 'stringTable'), 'string').map((s) => [attr(s, 'id') ?? '', textOf(s)]),
  );
}

function presentationTable(culture: string): Map<string, XmlNode> {
  const resources = child(child(adml.get(culture), 'policyDefinitionResources'), 'resources');
  return new Map(
    children(child(resources, 'presentationTable'), 'presentation').map((p) => [attr(p, 'id') ?? '', p]),
  );
}

/** Every `$(string.X)` the ADMX uses. */
function admxStringRefs(): Set<string> {
  const text = readFileSync(admxPath, 'utf8');
  return new Set([...text.matchAll(/\$\(string\.([^)]+)\)/g)].map((m) => m[1] ?? ''));
}

const controlsFor: Record<PolicyElementKind, readonly string[]> = {
  text: ['textBox', 'comboBox', 'decimalTextBox'],
  decimal: ['decimalTextBox'],
  boolean: ['checkBox'],
  enum: ['dropdownList'],
  multiText: ['multiTextBox'],
  list: ['listBox'],
};
const controlKinds = [...new Set(Object.values(controlsFor).flat())];

/** The presentation's controls as refId → control kind. */
function controlsOf(presentation: XmlNode): Map<string, string> {
  const controls = new Map<string, string>();
  for (const kind of controlKinds) {
    for (const control of children(presentation, kind)) controls.set(attr(control, 'refId') ?? '', kind);
  }
  return controls;
}

describe('ADMX and ADML structure', () => {
  it('has an ADML for every required culture, each in a culture-named folder', () => {
    expect(requiredCultures.filter((c) => !cultures.includes(c))).toEqual([]);
    for (const culture of cultures) {
      expect(culture).toMatch(/^[a-z]{2,3}-[A-Z]{2}$/);
      expect(existsSync(admlPath(culture)), `${culture}/MyPass.adml`).toBe(true);
    }
  });

  it('has an ADML for every language the kiosk ships (same language and script; the region where the tag names one)', () => {
    const locales = cultures.map((c) => new Intl.Locale(c).maximize());
    const missing = languageTags.filter((tag) => {
      const wanted = new Intl.Locale(tag);
      const max = wanted.maximize();
      return !locales.some(
        (c) =>
          c.language === max.language &&
          c.script === max.script &&
          (wanted.region === undefined || c.region === wanted.region),
      );
    });
    expect(missing).toEqual([]);
  });

  it('declares its namespace, resources, supportedOn and the categories MyPass > Tile / Kiosk', () => {
    expect(attr(child(child(root, 'policyNamespaces'), 'target'), 'namespace')).toBe(
      'MyPass.Policies.MyPass',
    );
    expect(attr(child(root, 'resources'), 'minRequiredRevision')).toBe(attr(root, 'revision'));
    const parents = new Map(
      categories.map((c) => [attr(c, 'name') ?? '', attr(child(c, 'parentCategory'), 'ref')]),
    );
    expect(Object.fromEntries(parents)).toEqual({
      MyPass: undefined,
      MyPass_Tile: 'MyPass',
      MyPass_Kiosk: 'MyPass',
    });
  });

  it('gives every policy a unique name, the machine class, a category, supportedOn, texts and a key under Policies\\MyPass', () => {
    const names = policies.map((p) => attr(p, 'name'));
    expect(new Set(names).size).toBe(names.length);
    const supported = new Set(
      children(child(child(root, 'supportedOn'), 'definitions'), 'definition').map((d) => attr(d, 'name')),
    );
    const categoryNames = new Set(categories.map((c) => attr(c, 'name')));
    const problems: string[] = [];
    for (const policy of policies) {
      const name = attr(policy, 'name') ?? '?';
      if (attr(policy, 'class') !== 'Machine') problems.push(`${name}: class is not Machine`);
      if (!categoryNames.has(attr(child(policy, 'parentCategory'), 'ref')))
        problems.push(`${name}: unknown category`);
      if (!supported.has(attr(child(policy, 'supportedOn'), 'ref')))
        problems.push(`${name}: unknown supportedOn`);
      if (!/^\$\(string\.\w+\)$/.test(attr(policy, 'displayName') ?? ''))
        problems.push(`${name}: displayName is not a string reference`);
      if (!/^\$\(string\.\w+_Explain\)$/.test(attr(policy, 'explainText') ?? ''))
        problems.push(`${name}: explainText is not an _Explain string reference`);
      if (!/^Software\\Policies\\MyPass\\(CredentialProvider|Kiosk)$/.test(attr(policy, 'key') ?? ''))
        problems.push(`${name}: key outside Software\\Policies\\MyPass`);
      const elements = policyElements(policy);
      const hasPresentation = attr(policy, 'presentation') !== undefined;
      if (elements.length > 0 !== hasPresentation)
        problems.push(`${name}: elements and presentation disagree`);
      const ids = elements.map((e) => e.id);
      if (new Set(ids).size !== ids.length || ids.includes(''))
        problems.push(`${name}: element ids not unique`);
    }
    expect(problems).toEqual([]);
  });

  it('validates against Microsoft ADMX schema when ../shared/schemas/admx is present (else the checks above stand)', () => {
    const schemaDir = join(repoRoot, '../shared/schemas/admx');
    if (!existsSync(join(schemaDir, 'PolicyDefinitionFiles.xsd'))) {
      console.warn(`ADMX schema not found at ${schemaDir}: structure checked by the parser only`);
      expect(existsSync(admxPath)).toBe(true);
      return;
    }
    const work = mkdtempSync(join(tmpdir(), 'mypass-admx-schema-'));
    cpSync(schemaDir, work, { recursive: true });
    // libxml2 rejects the escaped '$' in two of BaseTypes.xsd's patterns (the schema's README).
    const baseTypes = join(work, 'BaseTypes.xsd');
    writeFileSync(baseTypes, readFileSync(baseTypes, 'utf8').replace(/\\\$/g, '$'));
    const files = [admxPath, ...cultures.map(admlPath)];
    let output: string;
    try {
      output = execFileSync(
        'xmllint',
        ['--noout', '--schema', join(work, 'PolicyDefinitionFiles.xsd'), ...files],
        { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
      );
    } catch (error) {
      const failure = error as { stderr?: string; code?: string };
      if (failure.code === 'ENOENT')
        throw new Error('xmllint is missing: ./scripts/setup installs libxml2-utils');
      throw new Error(`xmllint --schema failed:\n${failure.stderr ?? String(error)}`);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
    expect(output).toBe('');
  });
});

describe('references resolve in every language', () => {
  it('every $(string.*) of the ADMX is in every ADML', () => {
    const refs = admxStringRefs();
    const missing = cultures.flatMap((culture) => {
      const table = stringTable(culture);
      return [...refs].filter((id) => !table.has(id)).map((id) => `${culture}: ${id}`);
    });
    expect(missing).toEqual([]);
  });

  it('every ADML string is used by the ADMX (no stale strings)', () => {
    const refs = admxStringRefs();
    const unused = cultures.flatMap((culture) =>
      [...stringTable(culture).keys()].filter((id) => !refs.has(id)).map((id) => `${culture}: ${id}`),
    );
    expect(unused).toEqual([]);
  });

  it('every $(presentation.*) resolves, and each presentation has a fitting control for exactly its policy elements', () => {
    const problems: string[] = [];
    for (const culture of cultures) {
      const table = presentationTable(culture);
      const used = new Set<string>();
      for (const policy of policies) {
        const reference = attr(policy, 'presentation');
        if (reference === undefined) continue;
        const id = /^\$\(presentation\.(\w+)\)$/.exec(reference)?.[1] ?? '';
        used.add(id);
        const presentation = table.get(id);
        if (!presentation) {
          problems.push(`${culture}: presentation ${id} missing`);
          continue;
        }
        const controls = controlsOf(presentation);
        const elements = policyElements(policy);
        for (const element of elements) {
          const control = controls.get(element.id);
          if (control === undefined) problems.push(`${culture}: ${id} has no control for ${element.id}`);
          else if (!controlsFor[element.kind].includes(control))
            problems.push(`${culture}: ${id}: ${control} cannot show a ${element.kind}`);
        }
        for (const refId of controls.keys()) {
          if (!elements.some((e) => e.id === refId))
            problems.push(`${culture}: ${id}: refId ${refId} resolves to nothing`);
        }
      }
      for (const id of table.keys())
        if (!used.has(id)) problems.push(`${culture}: presentation ${id} unused`);
    }
    expect(problems).toEqual([]);
  });

  it('every ADML has the same string and presentation ids as en-US', () => {
    const english = {
      strings: [...stringTable('en-US').keys()].sort(),
      presentations: [...presentationTable('en-US').keys()].sort(),
    };
    for (const culture of cultures) {
      expect({
        culture,
        strings: [...stringTable(culture).keys()].sort(),
        presentations: [...presentationTable(culture).keys()].sort(),
      }).toEqual({ culture, ...english });
    }
  });

  it('every language is really translated: its explain texts differ from English and none is empty', () => {
    const english = stringTable('en-US');
    const problems: string[] = [];
    for (const culture of cultures.filter((c) => c !== 'en-US')) {
      for (const [id, text] of stringTable(culture)) {
        if (text.trim() === '') problems.push(`${culture}: ${id} is empty`);
        if (id.endsWith('_Explain') && text === english.get(id))
          problems.push(`${culture}: ${id} is the English text`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('every policy explain text in every language has its four parts: what, enabled, default, security', () => {
    const problems = cultures.flatMap((culture) => {
      const table = stringTable(culture);
      return policies
        .map((policy) => /^\$\(string\.(\w+)\)$/.exec(attr(policy, 'explainText') ?? '')?.[1] ?? '')
        .filter((id) => (table.get(id) ?? '').split(/\n\s*\n/).filter((p) => p.trim() !== '').length < 4)
        .map((id) => `${culture}: ${id}`);
    });
    expect(problems).toEqual([]);
  });

  it('every explain text names its default and its security effect (en-US)', () => {
    const table = stringTable('en-US');
    const problems = policies.flatMap((policy) => {
      const id = /^\$\(string\.(\w+)\)$/.exec(attr(policy, 'explainText') ?? '')?.[1] ?? '';
      const text = table.get(id) ?? '';
      return [
        ...(/do not configure this policy setting/.test(text) ? [] : [`${id}: no default`]),
        ...(/^Security:/m.test(text) ? [] : [`${id}: no security paragraph`]),
      ];
    });
    expect(problems).toEqual([]);
  });
});

describe('the ADMX writes exactly what the code reads', () => {
  const kindToType = {
    string: 'REG_SZ',
    number: 'REG_DWORD',
    boolean: 'REG_DWORD',
    list: 'REG_MULTI_SZ',
    multiline: 'REG_MULTI_SZ',
  } as const;
  const kioskValues = new Set(
    Object.entries(registryPolicyValues).map(([name, spec]) =>
      triple(kioskPolicyKey, name, kindToType[spec.kind]),
    ),
  );

  function providerValues(): Set<string> {
    if (!existsSync(policyValuesHeader)) {
      throw new Error(
        `${policyValuesHeader} is missing: the credential provider's policy table (helper A's X-macro list)`,
      );
    }
    return providerRegistryValues(readFileSync(policyValuesHeader, 'utf8'));
  }

  it('reads the provider table (sanity: both keys, plausible size)', () => {
    const values = [...providerValues()];
    expect(values.some((v) => v.startsWith('SOFTWARE\\POLICIES\\MYPASS\\CREDENTIALPROVIDER|'))).toBe(true);
    expect(values.some((v) => v.startsWith('SOFTWARE\\POLICIES\\MYPASS\\KIOSK|'))).toBe(true);
  });

  it('the provider forwards every value the kiosk reads, with the same type', () => {
    const provider = providerValues();
    expect([...kioskValues].filter((v) => !provider.has(v)).sort()).toEqual([]);
  });

  it('(key, value name, type) of the ADMX equals those of the kiosk and the credential provider', () => {
    const code = new Set([...kioskValues, ...providerValues()]);
    const written = admxRegistryValues(admx);
    expect({
      readByCodeButNotInAdmx: [...code].filter((v) => !written.has(v)).sort(),
      inAdmxButReadByNoCode: [...written]
        .filter(([v]) => !code.has(v))
        .map(([v, policy]) => `${v} (${policy})`)
        .sort(),
    }).toEqual({ readByCodeButNotInAdmx: [], inAdmxButReadByNoCode: [] });
  });

  it('the language list offers exactly the languages the kiosk ships, and every ADML names them all', () => {
    const defaultLanguage = policies.find((p) => attr(p, 'name') === 'Kiosk_DefaultLanguage');
    const items = children(children(child(defaultLanguage, 'elements'), 'enum')[0], 'item').map((item) =>
      textOf(child(child(item, 'value'), 'string')),
    );
    expect(items).toEqual([...languageTags]);
    for (const culture of cultures) {
      const explain = stringTable(culture).get('Kiosk_AllowedLanguages_Explain') ?? '';
      expect(
        languageTags.filter(
          (tag) => !new RegExp(`(^|[\\s,，、:：(（])${tag}([\\s,，、.。)）]|$)`).test(explain),
        ),
        culture,
      ).toEqual([]);
    }
  });

  it('number ranges and shown defaults match the kiosk schema', () => {
    const decimals = policies.flatMap((policy) =>
      policyElements(policy)
        .filter((e) => e.kind === 'decimal')
        .map((e) => ({ policy, element: e })),
    );
    expect(decimals.length).toBeGreaterThan(0);
    const fieldOf = (valueName: string) =>
      (registryPolicyValues as Record<string, { field: string }>)[valueName]?.field ?? '';
    for (const { policy, element } of decimals) {
      const field = fieldOf(attr(element.node, 'valueName') ?? '') as keyof typeof kioskPolicySchema.shape;
      const schema = kioskPolicySchema.shape[field];
      const inner =
        'unwrap' in schema
          ? (schema.unwrap() as unknown as { minValue: number; maxValue: number })
          : undefined;
      expect({
        field,
        min: Number(attr(element.node, 'minValue')),
        max: Number(attr(element.node, 'maxValue')),
      }).toEqual({
        field,
        min: inner?.minValue,
        max: inner?.maxValue,
      });
      const id = /^\$\(presentation\.(\w+)\)$/.exec(attr(policy, 'presentation') ?? '')?.[1] ?? '';
      for (const culture of cultures) {
        const box = children(presentationTable(culture).get(id), 'decimalTextBox')[0];
        expect({ culture, field, shown: Number(attr(box, 'defaultValue')) }).toEqual({
          culture,
          field,
          shown: (policyDefaults as Record<string, unknown>)[field],
        });
      }
    }
  });
});
