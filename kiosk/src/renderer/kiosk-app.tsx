// The kiosk UI: one page, one screen at a time, driven by the reset machine of @mypass/flows.
// Host-agnostic: the web host and the Electron kiosk hand it a Transport and a HostConfig.
import { useCallback, useEffect, useMemo, useState, type ReactNode } from 'react';
import { I18nextProvider, useTranslation } from 'react-i18next';
import type { i18n } from 'i18next';
import type { Transport } from '@mypass/flows';
import type { HostConfig } from './host-config.js';
import type { FlowView, FlowActions, FlowMessage } from './flow-view.js';
import { useResetFlow } from './flow-binding.js';
import { pickerLanguages, switchLanguage, syncDocumentLanguage } from './i18n-setup.js';
import { LanguagePicker } from './parts/language-picker.js';
import { CancelPanel, InactivityPanel } from './parts/panels.js';
import { OnScreenKeyboard } from './parts/on-screen-keyboard.js';
import { DemoPanel, type DemoSource } from './parts/demo-panel.js';
import { ScreenTitle } from './parts/form-controls.js';
import { WelcomeScreen } from './screens/welcome-screen.js';
import { IdentifyScreen } from './screens/identify-screen.js';
import { MethodScreen } from './screens/method-screen.js';
import { CodeScreen } from './screens/code-screen.js';
import { PasswordScreen } from './screens/password-screen.js';
import { DoneScreen } from './screens/done-screen.js';

export interface KioskAppProps {
  readonly transport: Transport;
  readonly config: HostConfig;
  readonly i18n: i18n;
  readonly initialLanguage: string;
  /** Demo mode only: where the demo panel reads the outbox and the demo users. */
  readonly demoSource?: DemoSource;
}

const stepOf: Partial<Record<FlowView['screen'], number>> = {
  identify: 1,
  chooseMethod: 2,
  enterCode: 3,
  newPassword: 4,
};
const totalSteps = 4;

export function KioskApp(props: KioskAppProps) {
  return (
    <I18nextProvider i18n={props.i18n}>
      <KioskPage {...props} />
    </I18nextProvider>
  );
}

function KioskPage({ transport, config, i18n, initialLanguage, demoSource }: KioskAppProps) {
  const { t } = useTranslation();
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
  const [view, actions] = useResetFlow(transport, config, language);

  useEffect(() => {
    syncDocumentLanguage(i18n.language);
    if (initialLanguage !== i18n.language) pick(initialLanguage);
  }, [i18n, initialLanguage, pick]);
  useEffect(() => {
    document.title = t('app.title');
  }, [t, language]);
  const step = stepOf[view.screen];
  const panel =
    view.stillThereIn !== undefined ? (
      <InactivityPanel actions={actions} seconds={view.stillThereIn} />
    ) : view.confirmingCancel ? (
      <CancelPanel actions={actions} busy={view.busy} />
    ) : null;
  // The screen stays mounted (hidden) under a panel, so "No, go on" and "I'm here" return to what was typed.
  const content = (
    <>
      {panel}
      <div className="screen" hidden={panel !== null}>
        {step !== undefined ? (
          <div className="progress">
            <p className="progress-text">{t('progress.step', { step, total: totalSteps })}</p>
            <progress className="progress-bar" value={step} max={totalSteps} aria-hidden="true" />
          </div>
        ) : null}
        {view.message ? <Message message={view.message} /> : null}
        <Screen view={view} actions={actions} config={config} />
        {view.screen !== 'welcome' && view.screen !== 'done' ? (
          <div className="cancel-row">
            <button type="button" className="button ghost" onClick={actions.cancel} disabled={view.busy}>
              {t('common.cancel')}
            </button>
          </div>
        ) : null}
      </div>
    </>
  );

  return (
    <div
      className="kiosk"
      data-screen={view.screen}
      data-busy={view.busy}
      onPointerDownCapture={actions.activity}
      onKeyDownCapture={actions.activity}
    >
      <header className="topbar">
        <span className="brand">MyPass</span>
        {config.demo ? <span className="demo-badge">{t('demo.badge')}</span> : null}
        <LanguagePicker languages={offered} current={language} onPick={pick} />
      </header>
      <main className="card" aria-labelledby={panel ? 'panel-title' : 'screen-title'} aria-busy={view.busy}>
        {content}
      </main>
      {config.onScreenKeyboard ? <OnScreenKeyboard /> : null}
      {config.demo && demoSource ? <DemoPanel source={demoSource} /> : null}
    </div>
  );
}

function Message({ message }: { message: FlowMessage }) {
  const { t } = useTranslation();
  // Keys come from the flows machine (`errors.<code>`); i18next falls back to English for a missing one.
  const text = t(
    message.key as 'errors.internal_error',
    message.count !== undefined ? { count: message.count } : {},
  );
  return (
    <p className="notice error" role="alert" data-message={message.key}>
      {text}
    </p>
  );
}

function Screen({
  view,
  actions,
  config,
}: {
  view: FlowView;
  actions: FlowActions;
  config: HostConfig;
}): ReactNode {
  const { t } = useTranslation();
  switch (view.screen) {
    case 'welcome':
      return <WelcomeScreen actions={actions} config={config} />;
    case 'identify':
      return <IdentifyScreen view={view} actions={actions} />;
    case 'chooseMethod':
      return <MethodScreen view={view} actions={actions} />;
    case 'enterCode':
      return <CodeScreen view={view} actions={actions} />;
    case 'newPassword':
      return <PasswordScreen view={view} actions={actions} />;
    case 'done':
      return <DoneScreen actions={actions} config={config} />;
    case 'deadEnd':
      return (
        <>
          <ScreenTitle>{t('common.startOver')}</ScreenTitle>
          <div className="actions">
            <button type="button" className="button primary" onClick={actions.finish}>
              {t('common.startOver')}
            </button>
          </div>
        </>
      );
  }
}
