// Reads the Group Policy templates (installer/gpo) and the registry values the code reads, for
// gpo.test.ts. The code's values are EXTRACTED: the kiosk's exported table and the credential
// provider's X-macro table (native-bridge/credential-provider/src/policy-values.h), never a copy.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';

export const repoRoot = resolve(import.meta.dirname, '../..');
export const gpoDir = join(repoRoot, 'installer/gpo');
export const admxPath = join(gpoDir, 'MyPass.admx');
export const policyValuesHeader = join(repoRoot, 'native-bridge/credential-provider/src/policy-values.h');

/** One registry value as `KEY|ValueName|TYPE` (key upper-cased, without the hive): set-friendly. */
export type RegistryTriple = string;

export function triple(key: string, valueName: string, type: string): RegistryTriple {
  const normalizedKey = key
    .replace(/^(HKLM|HKEY_LOCAL_MACHINE)\\/i, '')
    .replace(/\\+$/, '')
    .toUpperCase();
  return `${normalizedKey}|${valueName}|${type}`;
}

// Elements that may repeat; everything else is a single child.
const repeated = new Set([
  'category',
  'policy',
  'definition',
  'item',
  'string',
  'presentation',
  'text',
  'decimal',
  'boolean',
  'enum',
  'multiText',
  'list',
  'textBox',
  'decimalTextBox',
  'multiTextBox',
  'dropdownList',
  'checkBox',
  'comboBox',
  'listBox',
  'using',
]);

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '',
  textNodeName: '#text',
  parseAttributeValue: false,
  parseTagValue: false,
  trimValues: false,
  isArray: (name, _path, _isLeaf, isAttribute) => !isAttribute && repeated.has(name),
});

/** A parsed XML element: attributes as strings, children by name, text as `#text`. */
export type XmlNode = { readonly [name: string]: unknown };

export function parseXml(path: string): XmlNode {
  const text = readFileSync(path, 'utf8');
  const valid = XMLValidator.validate(text);
  if (valid !== true) {
    throw new Error(`${path}:${valid.err.line}: ${valid.err.code} ${valid.err.msg}`);
  }
  return parser.parse(text) as XmlNode;
}

export function child(node: XmlNode | undefined, name: string): XmlNode | undefined {
  const value = node?.[name];
  if (value === undefined || value === '') return undefined;
  if (Array.isArray(value)) return value[0] as XmlNode;
  return value as XmlNode;
}

export function children(node: XmlNode | undefined, name: string): XmlNode[] {
  const value = node?.[name];
  if (value === undefined || value === '') return [];
  return (Array.isArray(value) ? value : [value]) as XmlNode[];
}

export function attr(node: XmlNode | undefined, name: string): string | undefined {
  const value = node?.[name];
  return typeof value === 'string' ? value : undefined;
}

export function textOf(node: XmlNode | string | undefined): string {
  if (typeof node === 'string') return node;
  const value = node?.['#text'];
  return typeof value === 'string' ? value : '';
}

/** The language folders holding MyPass.adml, e.g. `en-US`. */
export function admlCultures(): string[] {
  return readdirSync(gpoDir)
    .filter((name) => statSync(join(gpoDir, name)).isDirectory())
    .sort();
}

export const policyElementKinds = ['text', 'decimal', 'boolean', 'enum', 'multiText', 'list'] as const;
export type PolicyElementKind = (typeof policyElementKinds)[number];

export interface PolicyElement {
  readonly kind: PolicyElementKind;
  readonly node: XmlNode;
  readonly id: string;
}

export function policyElements(policy: XmlNode): PolicyElement[] {
  const elements = child(policy, 'elements');
  return policyElementKinds.flatMap((kind) =>
    children(elements, kind).map((node) => ({ kind, node, id: attr(node, 'id') ?? '' })),
  );
}

function valueType(value: XmlNode | undefined, where: string): string {
  if (child(value, 'decimal')) return 'REG_DWORD';
  if (child(value, 'longDecimal')) return 'REG_QWORD';
  if (value?.['string'] !== undefined) return 'REG_SZ';
  if (child(value, 'delete')) return 'DELETE';
  throw new Error(`${where}: a value that is neither decimal nor string`);
}

/**
 * Every (key, value name, type) the ADMX writes, with the policy that writes it. Types follow
 * Microsoft's ADMX rules: text → REG_SZ (expandable → REG_EXPAND_SZ), decimal → REG_DWORD
 * (storeAsText → REG_SZ), multiText → REG_MULTI_SZ, enum/boolean → their values' type.
 */
export function admxRegistryValues(admx: XmlNode): Map<RegistryTriple, string> {
  const written = new Map<RegistryTriple, string>();
  const root = child(admx, 'policyDefinitions');
  const add = (key: string, valueName: string, type: string, policyName: string) => {
    if (type === 'DELETE') return;
    written.set(triple(key, valueName, type), policyName);
  };
  for (const policy of children(child(root, 'policies'), 'policy')) {
    const name = attr(policy, 'name') ?? '?';
    const key = attr(policy, 'key') ?? '';
    const valueName = attr(policy, 'valueName');
    if (valueName !== undefined) {
      const enabled = child(policy, 'enabledValue');
      // A policy-level value without enabledValue writes REG_DWORD 1 (Microsoft's ADMX syntax).
      add(key, valueName, enabled ? valueType(enabled, name) : 'REG_DWORD', name);
    }
    for (const listName of ['enabledList', 'disabledList']) {
      const list = child(policy, listName);
      for (const item of children(list, 'item')) {
        const itemKey = attr(item, 'key') ?? attr(list, 'defaultKey') ?? key;
        add(itemKey, attr(item, 'valueName') ?? '', valueType(child(item, 'value'), name), name);
      }
    }
    for (const element of policyElements(policy)) {
      const elementKey = attr(element.node, 'key') ?? key;
      const elementValue = attr(element.node, 'valueName') ?? '';
      switch (element.kind) {
        case 'text':
          add(
            elementKey,
            elementValue,
            attr(element.node, 'expandable') === 'true' ? 'REG_EXPAND_SZ' : 'REG_SZ',
            name,
          );
          break;
        case 'decimal':
          add(
            elementKey,
            elementValue,
            attr(element.node, 'storeAsText') === 'true' ? 'REG_SZ' : 'REG_DWORD',
            name,
          );
          break;
        case 'multiText':
          add(elementKey, elementValue, 'REG_MULTI_SZ', name);
          break;
        case 'boolean':
          add(elementKey, elementValue, valueType(child(element.node, 'trueValue'), name), name);
          break;
        case 'enum': {
          const types = new Set(
            children(element.node, 'item').map((item) => valueType(child(item, 'value'), name)),
          );
          if (types.size !== 1) throw new Error(`${name}: enum items of mixed types`);
          add(elementKey, elementValue, [...types][0] ?? '', name);
          break;
        }
        case 'list':
          // A list writes one value per entry into a key of its own: nothing in MyPass reads that.
          add(elementKey, `(list) ${attr(element.node, 'id') ?? ''}`, 'LIST', name);
          break;
      }
    }
  }
  return written;
}

/**
 * The credential provider's table: lines `MYPASS_POLICY_VALUE(<key constant>, L"Name", REG_x, ...)`
 * and `#define <key constant> L"SOFTWARE\\..."`. Throws with the line when an entry does not parse.
 */
export function providerRegistryValues(headerText: string): Set<RegistryTriple> {
  const keys = new Map<string, string>();
  for (const match of headerText.matchAll(/^#define\s+(MYPASS_KEY_\w+)\s+L"((?:[^"\\]|\\.)*)"/gm)) {
    keys.set(match[1] ?? '', (match[2] ?? '').replace(/\\\\/g, '\\'));
  }
  const values = new Set<RegistryTriple>();
  for (const [index, line] of headerText.split(/\r?\n/).entries()) {
    if (/^\s*\/\//.test(line) || !/\bMYPASS_POLICY_VALUE\s*\(/.test(line)) continue;
    const entry = /\bMYPASS_POLICY_VALUE\s*\(\s*(\w+)\s*,\s*L"([^"]+)"\s*,\s*(REG_\w+)\s*[,)]/.exec(line);
    const key = entry ? keys.get(entry[1] ?? '') : undefined;
    if (!entry || key === undefined) {
      throw new Error(`policy-values.h:${index + 1}: cannot read this entry: ${line.trim()}`);
    }
    values.add(triple(key, entry[2] ?? '', entry[3] ?? ''));
  }
  return values;
}
