// Demo mode only: the messages that "would have been sent" and the demo users' registered methods,
// so a person can finish a reset without a phone. Clearly marked; never shown outside demo mode.
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { DemoOutbox } from '@mypass/flows';

export interface DemoUser {
  readonly userPrincipalName: string;
  readonly note?: string;
  readonly methods: readonly { readonly kind: string; readonly destination: string }[];
}

/** Where the demo panel reads from (the web host: its own server's demo routes). */
export interface DemoSource {
  outbox(): Promise<DemoOutbox>;
  users(): Promise<readonly DemoUser[]>;
}

export function DemoPanel({ source }: { source: DemoSource }) {
  const { t } = useTranslation();
  const [messages, setMessages] = useState<DemoOutbox['messages']>([]);
  const [users, setUsers] = useState<readonly DemoUser[]>([]);
  const refresh = useCallback(() => {
    source.outbox().then(
      (o) => setMessages(o.messages),
      () => undefined,
    );
  }, [source]);
  useEffect(() => {
    refresh();
    source.users().then(setUsers, () => undefined);
    const timer = setInterval(refresh, 2000);
    return () => clearInterval(timer);
  }, [refresh, source]);

  return (
    <aside className="demo-panel" aria-labelledby="demo-title">
      <h2 id="demo-title" className="demo-title">
        <span className="demo-badge">{t('demo.badge')}</span> {t('demo.notice')}
      </h2>
      <section aria-labelledby="demo-outbox">
        <div className="demo-heading-row">
          <h3 id="demo-outbox">{t('demo.outbox')}</h3>
          <button type="button" className="button secondary small" onClick={refresh}>
            {t('demo.refresh')}
          </button>
        </div>
        {messages.length === 0 ? (
          <p>{t('demo.outboxEmpty')}</p>
        ) : (
          <ol className="demo-outbox" data-testid="demo-outbox">
            {messages.slice(0, 8).map((m) => (
              <li key={`${m.sentAt}-${m.to}-${m.code ?? ''}`} data-channel={m.channel}>
                <bdi dir="ltr" className="demo-to">
                  {m.to}
                </bdi>
                {m.code !== undefined ? (
                  <bdi dir="ltr" className="demo-code" data-code={m.code}>
                    {m.code}
                  </bdi>
                ) : null}
                <p className="demo-text" dir="auto">
                  {m.text}
                </p>
              </li>
            ))}
          </ol>
        )}
      </section>
      <section aria-labelledby="demo-users">
        <h3 id="demo-users">{t('demo.users')}</h3>
        <p>{t('demo.typeInFull')}</p>
        <ul className="demo-users">
          {users.map((u) => (
            <li key={u.userPrincipalName}>
              <bdi dir="ltr" className="demo-upn">
                {u.userPrincipalName}
              </bdi>
              {u.note ? <span className="demo-note"> ({u.note})</span> : null}
              <ul>
                {u.methods.map((m) => (
                  <li key={m.destination}>
                    {m.kind}:{' '}
                    <bdi dir="ltr" className="demo-destination">
                      {m.destination}
                    </bdi>
                  </li>
                ))}
              </ul>
            </li>
          ))}
        </ul>
      </section>
    </aside>
  );
}
