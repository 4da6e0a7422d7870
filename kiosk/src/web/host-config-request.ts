// Imported first by main.tsx: the host configuration request starts before React's modules are
// evaluated, so the first render does not wait for a round trip after them.
export const hostConfigResponse: Promise<unknown> = fetch('/host-config.json', {
  headers: { accept: 'application/json' },
  cache: 'no-store',
}).then(
  (response) => (response.ok ? response.json() : undefined),
  () => undefined,
);
