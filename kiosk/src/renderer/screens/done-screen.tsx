import { useTranslation } from 'react-i18next';
import type { HostConfig } from '../host-config.js';
import type { FlowActions, FlowView } from '../flow-view.js';
import { Guidance } from '../parts/guidance.js';
import { ScreenTitle } from '../parts/form-controls.js';

export function DoneScreen({
  view,
  actions,
  config,
}: {
  view: FlowView;
  actions: FlowActions;
  config: HostConfig;
}) {
  const { t } = useTranslation();
  const hold = view.enrollment?.holdHours;
  // The kiosk adds at most a number and an address: one method, or both.
  const confirmed = Math.max(1, view.enrollment?.confirmed ?? 1);
  const both = confirmed > 1;
  return (
    <>
      <div className="done-mark" aria-hidden="true">
        ✓
      </div>
      {view.purpose === 'enroll' ? (
        <>
          <ScreenTitle>{t('enroll.doneTitle', { count: confirmed })}</ScreenTitle>
          {/* The hold (T12): a new method cannot reset the password until the policy's hours have passed. */}
          {hold !== undefined ? (
            <p className="lead" data-hold-hours={hold} data-confirmed={confirmed}>
              {both
                ? hold <= 0
                  ? t('enroll.usableNowBoth')
                  : t('enroll.usableAfterBoth', { count: hold })
                : hold <= 0
                  ? t('enroll.usableNow')
                  : t('enroll.usableAfter', { count: hold })}
            </p>
          ) : null}
          <p>{t('enroll.doneBody')}</p>
        </>
      ) : (
        <>
          <ScreenTitle>{t('done.title')}</ScreenTitle>
          <p className="lead">{t('done.signIn')}</p>
          <p>{t('done.delay')}</p>
        </>
      )}
      <div className="actions">
        <button type="button" className="button primary" onClick={actions.finish}>
          {t('done.finish')}
        </button>
      </div>
      <Guidance config={config} after="done" />
    </>
  );
}
