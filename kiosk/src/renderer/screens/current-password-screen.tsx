// Enroll: the current password, asked only after a code to a registered method was proven (T12). The
// message for a wrong one is the generic errors.password_invalid: it never says why (locked, disabled…).
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { limits } from '@mypass/flows';
import type { FlowView, FlowActions } from '../flow-view.js';
import { ScreenTitle } from '../parts/form-controls.js';
import { PasswordField } from '../parts/password-field.js';

export function CurrentPasswordScreen({ view, actions }: { view: FlowView; actions: FlowActions }) {
  const { t } = useTranslation();
  const [password, setPassword] = useState('');
  const [shown, setShown] = useState(false);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (password !== '') {
      actions.submitCurrentPassword(password);
      // Nothing of the password stays in the page once it is sent.
      setPassword('');
    }
  };
  return (
    <form onSubmit={submit} noValidate>
      <ScreenTitle>{t('enroll.currentPasswordTitle')}</ScreenTitle>
      <p className="lead">{t('enroll.currentPasswordHint')}</p>
      <PasswordField
        label={t('enroll.currentPasswordLabel')}
        value={password}
        onValue={(v) => {
          setPassword(v);
          actions.activity();
        }}
        name="current-password"
        autoComplete="current-password"
        maxLength={limits.passwordMaxUnits}
        shown={shown}
        onToggleShown={() => setShown((s) => !s)}
      />
      <div className="actions">
        <button type="submit" className="button primary" disabled={view.busy || password === ''}>
          {t('common.continue')}
        </button>
      </div>
    </form>
  );
}
