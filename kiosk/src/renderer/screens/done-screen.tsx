import { useTranslation } from 'react-i18next';
import type { HostConfig } from '../host-config.js';
import type { FlowActions } from '../flow-view.js';
import { Guidance } from '../parts/guidance.js';
import { ScreenTitle } from '../parts/form-controls.js';

export function DoneScreen({ actions, config }: { actions: FlowActions; config: HostConfig }) {
  const { t } = useTranslation();
  return (
    <>
      <div className="done-mark" aria-hidden="true">
        ✓
      </div>
      <ScreenTitle>{t('done.title')}</ScreenTitle>
      <p className="lead">{t('done.signIn')}</p>
      <p>{t('done.delay')}</p>
      <div className="actions">
        <button type="button" className="button primary" onClick={actions.finish}>
          {t('done.finish')}
        </button>
      </div>
      <Guidance config={config} after="done" />
    </>
  );
}
