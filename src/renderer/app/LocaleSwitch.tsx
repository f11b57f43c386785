import { useId } from 'react';
import { useStore } from 'zustand';
import { LOCALES, isLocale, localeNames, localeStore, useT } from '../i18n';

export function LocaleSwitch({ className }: { className?: string }) {
  const { t, locale } = useT();
  const setLocale = useStore(localeStore, (s) => s.setLocale);
  const id = useId();
  return (
    <span className={`locale-switch ${className ?? ''}`}>
      <label htmlFor={id} className="visually-hidden">
        {t('locale.label')}
      </label>
      <span className="locale-icon" aria-hidden="true">
        文A
      </span>
      <select
        id={id}
        data-testid="locale-switch"
        value={locale}
        onChange={(e) => {
          if (isLocale(e.target.value)) setLocale(e.target.value);
        }}
      >
        {LOCALES.map((l) => (
          <option key={l} value={l} lang={l}>
            {localeNames[l]}
          </option>
        ))}
      </select>
    </span>
  );
}
