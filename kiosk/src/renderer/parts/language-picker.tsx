// Always-reachable language picker: an in-page list (no native popup, no window), each language
// named in itself and marked with its own lang/dir so it is pronounced and shaped correctly.
import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { pseudoLocale } from '@mypass/locales';
import type { PickerLanguage } from '../i18n-setup.js';

interface Props {
  readonly languages: readonly PickerLanguage[];
  readonly current: string;
  readonly onPick: (tag: string) => void;
}

export function LanguagePicker({ languages, current, onPick }: Props) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  const listId = useId();
  const currentLanguage = languages.find((l) => l.tag === current);
  return (
    <div className="language-picker">
      <button
        type="button"
        className="button ghost language-button"
        aria-expanded={open}
        aria-controls={listId}
        onClick={() => setOpen((o) => !o)}
      >
        <svg className="globe" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
          <circle cx="12" cy="12" r="9" />
          <ellipse cx="12" cy="12" rx="4" ry="9" />
          <path d="M3 12h18M5 7h14M5 17h14" />
        </svg>
        {t('app.languagePicker')}:{' '}
        <span lang={current} dir={currentLanguage?.dir}>
          {currentLanguage?.name ?? current}
        </span>
      </button>
      {open ? (
        <ul className="language-list" id={listId} aria-label={t('app.languagePicker')}>
          {languages.map((l) => (
            <li key={l.tag}>
              <button
                type="button"
                className="button language-option"
                lang={l.tag === pseudoLocale ? 'en' : l.tag}
                data-tag={l.tag}
                dir={l.dir}
                aria-current={l.tag === current ? 'true' : undefined}
                onClick={() => {
                  setOpen(false);
                  onPick(l.tag);
                }}
              >
                {l.name}
              </button>
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
