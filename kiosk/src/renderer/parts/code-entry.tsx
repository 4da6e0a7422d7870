// The one-time-code entry shared by the reset and enroll code screens: digits only, paste accepted
// (spaces and dashes dropped), one-time-code autofill, and resend after the server's cool-down.
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { TextField } from './form-controls.js';

/** The typed code, kept to digits and the code's length; submit sends it once complete and clears it. */
export function useCodeEntry(codeLength: number, send: (code: string) => void) {
  const [code, setCode] = useState('');
  const complete = code.length === codeLength;
  const type = (v: string) => setCode(v.replace(/\D/g, '').slice(0, codeLength));
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (complete) {
      send(code);
      setCode('');
    }
  };
  return { code, type, submit, complete };
}

export function CodeField({
  code,
  codeLength,
  onType,
}: {
  code: string;
  codeLength: number;
  onType: (value: string) => void;
}) {
  const { t } = useTranslation();
  return (
    <TextField
      label={t('code.label')}
      value={code}
      onValue={onType}
      name="code"
      className="code-input"
      inputMode="numeric"
      autoComplete="one-time-code"
      pattern="[0-9]*"
      dir="ltr"
      spellCheck={false}
      // Room for a pasted code with spaces or dashes, which are dropped.
      maxLength={codeLength + 8}
    />
  );
}

/** Send a new code, disabled with a countdown while the server's cool-down runs. */
export function ResendButton({
  resendIn,
  busy,
  onResend,
}: {
  resendIn: number;
  busy: boolean;
  onResend: () => void;
}) {
  const { t } = useTranslation();
  return (
    <>
      <button type="button" className="button secondary" onClick={onResend} disabled={busy || resendIn > 0}>
        {t('code.resend')}
      </button>
      {resendIn > 0 ? (
        <p className="field-hint" aria-live="off">
          {t('code.resendIn', { count: resendIn })}
        </p>
      ) : null}
    </>
  );
}
