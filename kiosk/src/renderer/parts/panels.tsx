// In-page panels (never a browser dialog or window): the cancel confirmation and "Are you still there?".
import { useTranslation } from 'react-i18next';
import type { FlowActions } from '../flow-view.js';
import { ScreenTitle } from './form-controls.js';

export function CancelPanel({
  actions,
  busy,
  onLeave,
}: {
  actions: FlowActions;
  busy: boolean;
  /** Back to the Windows sign-in screen (tile-launched kiosk only); main cancels the open flow. */
  onLeave?: (() => void) | undefined;
}) {
  const { t } = useTranslation();
  return (
    <section className="panel" aria-labelledby="panel-title" data-panel="cancel">
      <ScreenTitle id="panel-title">{t('cancel.title')}</ScreenTitle>
      <p className="lead">{t('cancel.body')}</p>
      <div className="actions">
        <button type="button" className="button primary" onClick={actions.keepGoing}>
          {t('cancel.keepGoing')}
        </button>
        <button type="button" className="button danger" onClick={actions.confirmCancel} disabled={busy}>
          {t('cancel.confirm')}
        </button>
        {onLeave ? (
          <button
            type="button"
            className="button ghost"
            onClick={onLeave}
            disabled={busy}
            data-testid="leave"
          >
            {t('welcome.backToSignIn')}
          </button>
        ) : null}
      </div>
    </section>
  );
}

export function InactivityPanel({ actions, seconds }: { actions: FlowActions; seconds: number }) {
  const { t } = useTranslation();
  return (
    <section className="panel" aria-labelledby="panel-title" data-panel="inactivity">
      <ScreenTitle id="panel-title">{t('inactivity.title')}</ScreenTitle>
      <p className="lead" aria-live="polite" aria-atomic="true">
        {t('inactivity.body', { count: seconds })}
      </p>
      <div className="actions">
        <button type="button" className="button primary" onClick={actions.stillHere}>
          {t('inactivity.stay')}
        </button>
      </div>
    </section>
  );
}
