// Typed i18next keys for every package that imports @mypass/locales: resources come from
// en/ui.json, and strictKeyChecks makes t('no.such.key') a type error.
import type englishUi from '../en/ui.json';
// Loads i18next's declarations so the augmentation below has a module to extend (TS2664 otherwise).
import type {} from 'i18next';

export type UiResources = typeof englishUi;

declare module 'i18next' {
  interface CustomTypeOptions {
    defaultNS: 'ui';
    resources: { ui: UiResources };
    strictKeyChecks: true;
  }
}
