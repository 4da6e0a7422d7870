// Enter the code (the shared code entry), or another method when delivery fails or on request.
import { useTranslation } from 'react-i18next';
import type { FlowView, FlowActions } from '../flow-view.js';
import { CodeField, ResendButton, useCodeEntry } from '../parts/code-entry.js';
import { ScreenTitle } from '../parts/form-controls.js';
import { withIsolated } from '../parts/isolated-text.js';
import { selectableMethods } from './method-screen.js';

export function CodeScreen({ view, actions }: { view: FlowView; actions: FlowActions }) {
  const { t } = useTranslation();
  const challenge = view.challenge;
  const resendIn = challenge?.resendIn ?? 0;
  const codeLength = challenge?.codeLength ?? 0;
  const { code, type, submit, complete } = useCodeEntry(codeLength, actions.submitCode);
  if (!challenge) return null;
  const hasOtherMethod = selectableMethods(view).length > 1;
  const destination = challenge.method.hint ?? '';
  return (
    <form onSubmit={submit} noValidate>
      <ScreenTitle>{t('code.title')}</ScreenTitle>
      {challenge.deliveryFailed ? (
        <p className="notice warning" role="status">
          {t('code.deliveryFailed')}
        </p>
      ) : (
        <>
          <p className="lead">
            {withIsolated(
              (d) =>
                challenge.method.kind === 'sms'
                  ? t('code.sentSms', { destination: d })
                  : t('code.sentEmail', { destination: d }),
              destination,
            )}
          </p>
          <p>{t('code.wait')}</p>
        </>
      )}
      {challenge.deliveryFailed ? null : <CodeField code={code} codeLength={codeLength} onType={type} />}
      <div className="actions">
        {challenge.deliveryFailed ? null : (
          <button type="submit" className="button primary" disabled={view.busy || !complete}>
            {t('code.submit')}
          </button>
        )}
      </div>
      <div className="secondary-actions">
        {challenge.deliveryFailed ? null : (
          <ResendButton resendIn={resendIn} busy={view.busy} onResend={actions.resend} />
        )}
        {hasOtherMethod || challenge.deliveryFailed ? (
          <>
            {challenge.deliveryFailed ? null : <p className="field-hint">{t('code.notReceived')}</p>}
            <button
              type="button"
              className="button secondary"
              onClick={actions.otherMethod}
              disabled={view.busy}
            >
              {t('code.otherMethod')}
            </button>
          </>
        ) : null}
      </div>
    </form>
  );
}
