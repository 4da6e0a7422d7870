// The web host: the renderer in a browser tab, talking to its own origin. The server that serves
// this page inlines the host configuration (deployment settings, demo flag) and also serves it at
// /host-config.json; without either the defaults apply, so the page works behind any static file
// server too.
import { hostConfigResponse, inlineHostConfig } from './host-config-request.js';
import { StrictMode, useEffect } from 'react';
import { flushSync } from 'react-dom';
import { createRoot } from 'react-dom/client';
import type { DemoOutbox } from '@mypass/flows';
import {
  KioskApp,
  createI18n,
  defaultHostConfig,
  initialLanguage,
  parseHostConfig,
  pickerLanguages,
  type DemoSource,
  type DemoUser,
  type HostConfig,
} from '../renderer/index.js';
import '../renderer/kiosk.css';

async function getJson(path: string): Promise<unknown> {
  const response = await fetch(path, { headers: { accept: 'application/json' }, cache: 'no-store' });
  if (!response.ok) throw new Error(`${path}: HTTP ${response.status}`);
  return response.json();
}

function toHostConfig(body: unknown): HostConfig {
  return body === undefined ? defaultHostConfig : parseHostConfig(body);
}

const demoSource: DemoSource = {
  // Demo only, and shown as text: a light shape check keeps zod out of the first screen's bundle.
  outbox: async () => {
    const body = (await getJson('/api/demo/outbox')) as Partial<DemoOutbox>;
    return { messages: Array.isArray(body.messages) ? body.messages : [] };
  },
  users: async () => {
    const body = (await getJson('/api/demo/users')) as { users?: DemoUser[] };
    return Array.isArray(body.users) ? body.users : [];
  },
};

/** Marks the first render for the bench and the Chromium tests (data-ready, a performance mark). */
function ReadyMarker() {
  useEffect(() => {
    performance.mark('mypass-first-render');
    document.documentElement.dataset.ready = 'true';
  }, []);
  return null;
}

function render(config: HostConfig): void {
  const root = document.getElementById('root');
  if (!root) return;
  const i18n = createI18n();
  const app = createRoot(root);
  // Rendered and committed in this task rather than in a scheduler task after it: the first screen is
  // in the DOM before the browser's next paint, however busy the machine is.
  flushSync(() =>
    app.render(
      <StrictMode>
        <KioskApp
          // The fetch transport lives with the API client in the flow chunk, loaded after the first screen.
          transport={() => import('@mypass/flows').then((m) => m.createFetchTransport(''))}
          config={config}
          i18n={i18n}
          initialLanguage={initialLanguage(
            navigator.languages,
            config.defaultLanguage,
            pickerLanguages(config.allowedLanguages),
          )}
          {...(config.demo ? { demoSource } : {})}
          // `/?enroll` opens straight into setting up reset methods (a link an organisation can hand out).
          {...(new URLSearchParams(location.search).has('enroll')
            ? { initialPurpose: 'enroll' as const }
            : {})}
        />
        <ReadyMarker />
      </StrictMode>,
    ),
  );
}

// Inlined: render now, in this task. Otherwise once /host-config.json has answered.
if (inlineHostConfig !== undefined) render(toHostConfig(inlineHostConfig.value));
else void hostConfigResponse.then((body) => render(toHostConfig(body)));
