export * from './i18n';
export * from './store';
export type { MessageKey, Dictionary } from './locales/en';
