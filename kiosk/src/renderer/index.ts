// @mypass/kiosk renderer: the React UI both hosts (web page, Electron kiosk) mount.
// The stylesheet is ./kiosk.css; each host imports it once.
export { KioskApp, type KioskAppProps } from './kiosk-app.js';
export { defaultHostConfig, parseHostConfig, type HostConfig } from './host-config.js';
export {
  createI18n,
  initialLanguage,
  pickerLanguages,
  switchLanguage,
  type PickerLanguage,
} from './i18n-setup.js';
export type { DemoSource, DemoUser } from './parts/demo-panel.js';
export type { FlowView, FlowActions, FlowMessage, ScreenName } from './flow-view.js';
