// The Electron kiosk's renderer entry: the same host-agnostic UI as the web host, with the preload
// bridge as its Transport and its configuration from main (policy via the pipe, registry or file).
import './install-print-guard.js';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import {
  KioskApp,
  createI18n,
  defaultHostConfig,
  initialLanguage,
  parseHostConfig,
  pickerLanguages,
} from '../renderer/index.js';
import '../renderer/kiosk.css';
import { createBridgeTransport, findBridge } from './bridge-transport.js';

const bridge = findBridge(window);
const root = document.getElementById('root');
if (bridge && root) {
  const raw = (await bridge.config()) as { host?: unknown; preferredLanguages?: unknown } | null;
  const config = raw ? parseHostConfig(raw.host) : defaultHostConfig;
  const preferred = Array.isArray(raw?.preferredLanguages)
    ? raw.preferredLanguages.filter((tag): tag is string => typeof tag === 'string')
    : [];
  // Main's time limit ran out: drop every bit of page state at once; main then ends the run.
  bridge.onTimeout(() => window.location.reload());
  const i18n = createI18n();
  createRoot(root).render(
    <StrictMode>
      <KioskApp
        transport={createBridgeTransport(bridge)}
        config={config}
        leave={() => void bridge.leave()}
        i18n={i18n}
        initialLanguage={initialLanguage(
          preferred,
          config.defaultLanguage,
          pickerLanguages(config.allowedLanguages),
        )}
      />
    </StrictMode>,
  );
}
