import { useMemo } from 'react';
import { createStore, useStore } from 'zustand';
import { browserStorage, storageKeys, type KeyValueStorage } from '../lib/storage';
import { detectLocale, errorText, isLocale, translate, translatePlural, type Locale, type Params, type PluralBase } from './i18n';
import type { MessageKey } from './locales/en';
import type { AppError } from '@shared/contract';

interface LocaleState {
  locale: Locale;
  /** True once the user picked a language: the system language no longer overrides it. */
  chosen: boolean;
  setLocale(locale: Locale): void;
  /** The OS locale (known once app:info answers) replaces the browser guess unless the user chose. */
  adoptSystemLocale(tag: string): void;
}

export function createLocaleStore(storage: KeyValueStorage, browserLanguages: readonly string[]) {
  const stored = storage.getItem(storageKeys.locale);
  return createStore<LocaleState>((set, get) => ({
    locale: detectLocale(stored, browserLanguages),
    chosen: isLocale(stored),
    setLocale(locale) {
      storage.setItem(storageKeys.locale, locale);
      set({ locale, chosen: true });
    },
    adoptSystemLocale(tag) {
      if (!get().chosen) set({ locale: detectLocale(null, [tag, ...browserLanguages]) });
    },
  }));
}

const browserLanguages = (): string[] => {
  if (typeof navigator === 'undefined') return [];
  return navigator.languages?.length ? [...navigator.languages] : [navigator.language];
};

export const localeStore = createLocaleStore(browserStorage(), browserLanguages());

export interface Translator {
  locale: Locale;
  t(key: MessageKey, params?: Params): string;
  tp(base: PluralBase, count: number, params?: Params): string;
  te(error: Pick<AppError, 'code' | 'details'>): string;
}

export function translator(locale: Locale): Translator {
  return {
    locale,
    t: (key, params) => translate(locale, key, params),
    tp: (base, count, params) => translatePlural(locale, base, count, params),
    te: (error) => errorText(locale, error),
  };
}

/** The current locale's translator; components re-render when the language changes. */
export function useT(): Translator {
  const locale = useStore(localeStore, (s) => s.locale);
  return useMemo(() => translator(locale), [locale]);
}

export const useLocale = () => useStore(localeStore, (s) => s.locale);
