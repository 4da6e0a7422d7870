// The host configuration: the server that serves this page inlines it as a JSON data block (read
// synchronously, so the first render waits for nothing); behind another static file server the page
// asks /host-config.json, and without either the defaults apply. Imported first by main.tsx, so a
// request starts before React's modules are evaluated.
const inline = document.getElementById('mypass-host-config')?.textContent;

function parseInline(text: string | null | undefined): { found: boolean; value: unknown } {
  if (text === null || text === undefined) return { found: false, value: undefined };
  try {
    return { found: true, value: JSON.parse(text) as unknown };
  } catch {
    // A broken block counts as an empty configuration: the defaults apply, as for a missing file.
    return { found: true, value: undefined };
  }
}

const parsed = parseInline(inline);

/** The inlined configuration, or undefined when the page must ask the server for it. */
export const inlineHostConfig: { value: unknown } | undefined = parsed.found
  ? { value: parsed.value }
  : undefined;

export const hostConfigResponse: Promise<unknown> =
  inlineHostConfig !== undefined
    ? Promise.resolve(inlineHostConfig.value)
    : fetch('/host-config.json', { headers: { accept: 'application/json' }, cache: 'no-store' }).then(
        (response) => (response.ok ? response.json() : undefined),
        () => undefined,
      );
