import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { FlowView, FlowActions } from '../flow-view.js';
import { ScreenTitle, TextField } from '../parts/form-controls.js';

export function IdentifyScreen({ view, actions }: { view: FlowView; actions: FlowActions }) {
  const { t } = useTranslation();
  const [username, setUsername] = useState(view.username);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (username.trim() !== '') actions.submitUsername(username.trim());
  };
  return (
    <form onSubmit={submit} noValidate>
      <ScreenTitle>{view.purpose === 'enroll' ? t('enroll.title') : t('identify.title')}</ScreenTitle>
      {view.purpose === 'enroll' ? <p className="lead">{t('enroll.intro')}</p> : null}
      <TextField
        label={t('identify.label')}
        hint={t('identify.hint')}
        value={username}
        onValue={setUsername}
        name="username"
        autoComplete="username"
        autoCapitalize="none"
        spellCheck={false}
        dir="auto"
        maxLength={256}
        required
      />
      <div className="actions">
        <button type="submit" className="button primary" disabled={view.busy || username.trim() === ''}>
          {t('identify.submit')}
        </button>
      </div>
    </form>
  );
}
