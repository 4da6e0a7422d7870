// The kiosk UI: one page, one screen at a time, driven by the reset or enroll machine of @mypass/flows.
// Host-agnostic: the web host and the Electron kiosk hand it a Transport and a HostConfig.
// The first screen is rendered from this chunk alone; the flow (./reset-flow.tsx) loads behind it.
import { Suspense, lazy, useCallback, useEffect, useMemo, useState } from 'react';
import { I18nextProvider, useTranslation } from 'react-i18next';
import type { i18n } from 'i18next';
import type { FlowPurpose, Transport } from '@mypass/flows';
import type { HostConfig } from './host-config.js';
import { pickerLanguages, switchLanguage, syncDocumentLanguage } from './i18n-setup.js';
import { LanguagePicker } from './parts/language-picker.js';
import { OnScreenKeyboard } from './parts/on-screen-keyboard.js';
import { DemoPanel, type DemoSource } from './parts/demo-panel.js';
import { WelcomeScreen } from './screens/welcome-screen.js';

const loadResetFlow = () => import('./reset-flow.js');
const ResetFlow = lazy(loadResetFlow);

export interface KioskAppProps {
  /** The host's transport, or a loader for it (the web host's fetch transport is in the flow chunk). */
  readonly transport: Transport | (() => Promise<Transport>);
  readonly config: HostConfig;
  /** Ends the kiosk for the Windows sign-in screen (the Electron host); shown only when config.canLeave. */
  readonly leave?: () => void;
  readonly i18n: i18n;
  readonly initialLanguage: string;
  /** Demo mode only: where the demo panel reads the outbox and the demo users. */
  readonly demoSource?: DemoSource;
  /** Open straight into a flow (the web page's `?enroll` link); otherwise the welcome screen comes first. */
  readonly initialPurpose?: FlowPurpose;
}

export function KioskApp(props: KioskAppProps) {
  return (
    <I18nextProvider i18n={props.i18n}>
      <KioskPage {...props} />
    </I18nextProvider>
  );
}

function KioskPage({
  transport,
  config,
  leave,
  i18n,
  initialLanguage,
  demoSource,
  initialPurpose,
}: KioskAppProps) {
  const { t } = useTranslation();
  const onLeave = config.canLeave ? leave : undefined;
  const [language, setLanguage] = useState(i18n.language);
  const offered = useMemo(() => pickerLanguages(config.allowedLanguages), [config.allowedLanguages]);
  const pick = useCallback(
    (tag: string) => {
      switchLanguage(i18n, tag).then(
        () => setLanguage(tag),
        () => undefined,
      );
    },
    [i18n],
  );

  const offerEnrollment = config.offerEnrollment === true;
  // The flow on screen (null: the first screen). Back to null when a flow is wiped, so the next person
  // chooses again between a reset and setting up methods.
  const [purpose, setPurpose] = useState<FlowPurpose | null>(
    initialPurpose === 'enroll' && !offerEnrollment ? null : (initialPurpose ?? null),
  );
  const [started, setStarted] = useState(purpose !== null);
  const begin = useCallback((next: FlowPurpose) => {
    setStarted(true);
    setPurpose(next);
  }, []);
  // Resolved once, and only when the flow is wanted: a loader may fetch the API client's chunk.
  const transportPromise = useMemo(
    () => (!started ? undefined : typeof transport === 'function' ? transport() : Promise.resolve(transport)),
    [started, transport],
  );
  // Fetch the flow chunk as soon as the first screen is shown, so Start answers at once.
  useEffect(() => {
    const timer = setTimeout(() => void loadResetFlow().catch(() => undefined), 0);
    return () => clearTimeout(timer);
  }, []);

  useEffect(() => {
    syncDocumentLanguage(i18n.language);
    if (initialLanguage !== i18n.language) pick(initialLanguage);
  }, [i18n, initialLanguage, pick]);
  useEffect(() => {
    document.title = t('app.title');
  }, [t, language]);
  // T11: nothing of the last person stays on the glass, their language included.
  const wiped = useCallback(() => {
    if (i18n.language !== initialLanguage) pick(initialLanguage);
    setPurpose(null);
  }, [i18n, initialLanguage, pick]);

  const welcome = (busy: boolean) => (
    <main
      className="card"
      data-screen="welcome"
      data-busy={busy}
      aria-labelledby="screen-title"
      aria-busy={busy}
    >
      <WelcomeScreen
        onStart={() => begin('reset')}
        onEnroll={offerEnrollment ? () => begin('enroll') : undefined}
        config={config}
        onLeave={onLeave}
      />
    </main>
  );

  return (
    <div className="kiosk">
      <header className="topbar">
        <span className="brand">MyPass</span>
        {config.demo ? <span className="demo-badge">{t('demo.badge')}</span> : null}
        <LanguagePicker languages={offered} current={language} onPick={pick} />
      </header>
      {transportPromise && purpose ? (
        <Suspense fallback={welcome(true)}>
          <ResetFlow
            key={purpose}
            purpose={purpose}
            transport={transportPromise}
            config={config}
            language={language}
            onWiped={wiped}
            onLeave={onLeave}
          />
        </Suspense>
      ) : (
        welcome(false)
      )}
      {config.onScreenKeyboard ? <OnScreenKeyboard /> : null}
      {config.demo && demoSource ? <DemoPanel source={demoSource} /> : null}
    </div>
  );
}
