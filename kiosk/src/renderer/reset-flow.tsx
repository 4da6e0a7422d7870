// The flow part of the UI, in its own chunk: the reset or enroll machine, the API client and zod load after the
// first screen is on the glass (and are prefetched then), so the welcome screen appears quickly.
import { use, useEffect, useRef, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { FlowPurpose, Transport } from '@mypass/flows';
import type { HostConfig } from './host-config.js';
import type { FlowView, FlowActions, FlowMessage } from './flow-view.js';
import { useFlow } from './flow-binding.js';
import { CancelPanel, InactivityPanel } from './parts/panels.js';
import { ScreenTitle } from './parts/form-controls.js';
import { WelcomeScreen } from './screens/welcome-screen.js';
import { IdentifyScreen } from './screens/identify-screen.js';
import { MethodScreen } from './screens/method-screen.js';
import { CodeScreen } from './screens/code-screen.js';
import { PasswordScreen } from './screens/password-screen.js';
import { DoneScreen } from './screens/done-screen.js';
import { CurrentPasswordScreen } from './screens/current-password-screen.js';
import { AddMethodsScreen } from './screens/add-methods-screen.js';
import { ConfirmMethodScreen } from './screens/confirm-method-screen.js';

export interface ResetFlowProps {
  /** Reset a password, or set up reset methods (enroll); fixed for the component's lifetime. */
  readonly purpose: FlowPurpose;
  readonly transport: Promise<Transport>;
  readonly config: HostConfig;
  readonly language: string;
  /** The flow came back to the first screen after a wipe (finish, cancel, timeout). */
  readonly onWiped?: () => void;
  /** Back to the Windows sign-in screen; only when the host can leave (tile-launched kiosk). */
  readonly onLeave?: (() => void) | undefined;
}

const stepsOf: Readonly<Record<FlowPurpose, Partial<Record<FlowView['screen'], number>>>> = {
  reset: { identify: 1, chooseMethod: 2, enterCode: 3, newPassword: 4 },
  enroll: { identify: 1, chooseMethod: 2, enterCode: 3, currentPassword: 4, addMethods: 5, confirmMethod: 6 },
};
const totalSteps: Readonly<Record<FlowPurpose, number>> = { reset: 4, enroll: 6 };

export default function ResetFlow({
  purpose,
  transport,
  config,
  language,
  onWiped,
  onLeave,
}: ResetFlowProps) {
  const { t } = useTranslation();
  const [view, actions] = useFlow(purpose, use(transport), config, language);

  // The person pressed Start on the first screen: that is why this part was loaded.
  useEffect(() => {
    actions.start();
  }, [actions]);
  // Wiped once the machine is back on welcome with nothing in flight (a cancel waits for its DELETE).
  const previous = useRef(view.screen);
  const idle = view.screen === 'welcome' && !view.busy;
  useEffect(() => {
    if (idle && previous.current !== 'welcome') onWiped?.();
    if (idle || view.screen !== 'welcome') previous.current = view.screen;
  }, [idle, view.screen, onWiped]);
  // Any touch or key anywhere on the page (picker, keyboard, demo panel too) counts as presence.
  useEffect(() => {
    const present = () => actions.activity();
    document.addEventListener('pointerdown', present, true);
    document.addEventListener('keydown', present, true);
    return () => {
      document.removeEventListener('pointerdown', present, true);
      document.removeEventListener('keydown', present, true);
    };
  }, [actions]);

  const step = stepsOf[purpose][view.screen];
  const panel =
    view.stillThereIn !== undefined ? (
      <InactivityPanel actions={actions} seconds={view.stillThereIn} />
    ) : view.confirmingCancel ? (
      <CancelPanel actions={actions} busy={view.busy} onLeave={onLeave} />
    ) : null;
  // The screen stays mounted (hidden) under a panel, so "No, go on" and "I'm here" return to what was typed.
  const content = (
    <>
      {panel}
      <div className="screen" hidden={panel !== null}>
        {step !== undefined ? (
          <div className="progress">
            <p className="progress-text">{t('progress.step', { step, total: totalSteps[purpose] })}</p>
            <progress className="progress-bar" value={step} max={totalSteps[purpose]} aria-hidden="true" />
          </div>
        ) : null}
        {view.message ? <Message message={view.message} /> : null}
        <Screen view={view} actions={actions} config={config} onLeave={onLeave} />
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
    <main
      className="card"
      data-screen={view.screen}
      data-busy={view.busy}
      aria-labelledby={panel ? 'panel-title' : 'screen-title'}
      aria-busy={view.busy}
    >
      {content}
    </main>
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
  onLeave,
}: {
  view: FlowView;
  actions: FlowActions;
  config: HostConfig;
  onLeave: (() => void) | undefined;
}): ReactNode {
  const { t } = useTranslation();
  switch (view.screen) {
    case 'welcome':
      return <WelcomeScreen onStart={actions.start} config={config} onLeave={onLeave} />;
    case 'identify':
      return <IdentifyScreen view={view} actions={actions} />;
    case 'chooseMethod':
      return <MethodScreen view={view} actions={actions} />;
    case 'enterCode':
      return <CodeScreen view={view} actions={actions} />;
    case 'newPassword':
      return <PasswordScreen view={view} actions={actions} />;
    case 'currentPassword':
      return <CurrentPasswordScreen view={view} actions={actions} />;
    case 'addMethods':
      return <AddMethodsScreen view={view} actions={actions} />;
    case 'confirmMethod':
      return <ConfirmMethodScreen view={view} actions={actions} />;
    case 'done':
      return <DoneScreen view={view} actions={actions} config={config} />;
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
