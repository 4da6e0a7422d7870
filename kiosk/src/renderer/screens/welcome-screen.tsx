import { useTranslation } from 'react-i18next';
import type { HostConfig } from '../host-config.js';
import { Guidance } from '../parts/guidance.js';
import { ScreenTitle } from '../parts/form-controls.js';

export function WelcomeScreen({
  onStart,
  onEnroll,
  config,
  onLeave,
}: {
  onStart: () => void;
  /** Set up reset methods (enrollment); only where the host offers it (HostConfig.offerEnrollment). */
  onEnroll?: (() => void) | undefined;
  config: HostConfig;
  /** Back to the Windows sign-in screen; only a tile-launched kiosk passes it. */
  onLeave?: (() => void) | undefined;
}) {
  const { t } = useTranslation();
  return (
    <>
      <ScreenTitle focus={false}>{t('welcome.title')}</ScreenTitle>
      <p className="lead">{t('welcome.intro')}</p>
      <div className="actions">
        <button type="button" className="button primary" onClick={onStart} data-testid="start">
          {t('welcome.start')}
        </button>
        {onEnroll ? (
          <button type="button" className="button secondary" onClick={onEnroll} data-testid="enroll">
            {t('welcome.enroll')}
          </button>
        ) : null}
        {onLeave ? (
          <button type="button" className="button ghost" onClick={onLeave} data-testid="leave">
            {t('welcome.backToSignIn')}
          </button>
        ) : null}
      </div>
      <Guidance config={config} after="welcome" />
    </>
  );
}
