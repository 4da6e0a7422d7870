// The guidance about Microsoft's own "Forgot my password" link, on welcome and on done.
// Administrators may replace it or add their helpdesk's phone number and text (host config).
import { useTranslation } from 'react-i18next';
import type { HostConfig } from '../host-config.js';

export function Guidance({ config, after }: { config: HostConfig; after: 'welcome' | 'done' }) {
  const { t } = useTranslation();
  return (
    <section className="guidance" aria-labelledby={`guidance-${after}`}>
      <h2 id={`guidance-${after}`} className="guidance-title">
        {t('guidance.title')}
      </h2>
      {config.guidanceOverride !== undefined ? (
        <p>{config.guidanceOverride}</p>
      ) : (
        <>
          <p>{t('guidance.microsoftLink')}</p>
          <p>{after === 'done' ? t('guidance.nextTime') : t('guidance.useMyPass')}</p>
        </>
      )}
      {config.helpdeskText !== undefined ? (
        <p>{t('guidance.helpdeskText', { helpdeskText: config.helpdeskText })}</p>
      ) : null}
      {config.helpdeskPhone !== undefined ? (
        <p>{t('guidance.helpdeskPhone', { helpdeskPhone: '\u2068' + config.helpdeskPhone + '\u2069' })}</p>
      ) : null}
    </section>
  );
}
