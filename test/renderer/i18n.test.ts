import { describe, expect, it } from 'vitest';
import { ErrorCode } from '@shared/contract';
import { en } from '../../src/renderer/i18n/locales/en';
import { zhCN } from '../../src/renderer/i18n/locales/zh-CN';
import { detectLocale, errorText, normalizeLocale, translate, translatePlural } from '../../src/renderer/i18n/i18n';
import { createLocaleStore } from '../../src/renderer/i18n/store';
import { memoryStorage, storageKeys } from '../../src/renderer/lib/storage';

const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('dictionaries', () => {
  it('zh-CN and en define exactly the same keys', () => {
    expect(Object.keys(zhCN).sort()).toEqual(Object.keys(en).sort());
  });

  it('every translation uses the same placeholders as the English one and is not blank', () => {
    for (const key of Object.keys(en) as (keyof typeof en)[]) {
      expect(placeholders(zhCN[key]), key).toEqual(placeholders(en[key]));
      expect(zhCN[key].trim(), key).not.toBe('');
    }
  });

  it('every error code of the contract has friendly text in both languages', () => {
    for (const code of ErrorCode.options) {
      for (const locale of ['en', 'zh-CN'] as const) {
        const text = errorText(locale, { code, details: { retryAfterSeconds: 120 } });
        expect(text, `${locale} ${code}`).not.toMatch(/^error\./);
        expect(text.length).toBeGreaterThan(3);
      }
    }
  });
});

describe('language detection', () => {
  it('maps every Chinese tag to zh-CN and anything else to en', () => {
    expect(normalizeLocale('zh')).toBe('zh-CN');
    expect(normalizeLocale('zh-TW')).toBe('zh-CN');
    expect(normalizeLocale('zh_Hans_CN')).toBe('zh-CN');
    expect(normalizeLocale('ZH-hk')).toBe('zh-CN');
    expect(normalizeLocale('en-GB')).toBe('en');
    expect(normalizeLocale('de')).toBe('en');
    expect(normalizeLocale('')).toBeNull();
    expect(normalizeLocale(undefined)).toBeNull();
  });

  it('prefers a stored choice, then the first usable preference, then English', () => {
    expect(detectLocale('en', ['zh-CN'])).toBe('en');
    expect(detectLocale(null, ['zh-CN', 'en'])).toBe('zh-CN');
    expect(detectLocale('klingon', ['', 'fr-FR', 'zh'])).toBe('en');
    expect(detectLocale(null, [null, undefined, 'zh-SG'])).toBe('zh-CN');
    expect(detectLocale(null, [])).toBe('en');
  });

  it('follows the OS language until the user picks one, and remembers the pick', () => {
    const storage = memoryStorage();
    const store = createLocaleStore(storage, ['en-US']);
    expect(store.getState().locale).toBe('en');
    store.getState().adoptSystemLocale('zh-CN');
    expect(store.getState().locale).toBe('zh-CN');

    store.getState().setLocale('en');
    expect(storage.getItem(storageKeys.locale)).toBe('en');
    store.getState().adoptSystemLocale('zh-CN'); // the explicit choice wins from now on
    expect(store.getState().locale).toBe('en');

    const afterReload = createLocaleStore(storage, ['zh-CN']);
    expect(afterReload.getState().locale).toBe('en');
  });
});

describe('translation', () => {
  it('interpolates parameters and leaves unknown ones visible', () => {
    expect(translate('en', 'groups.noMatch', { query: 'ops' })).toBe('No group matches “ops”.');
    expect(translate('zh-CN', 'chat.counter', { count: 12, max: 5000 })).toBe('12 / 5000');
    expect(translate('en', 'groups.noMatch')).toContain('{query}');
  });

  it('picks plural forms by the locale rules', () => {
    expect(translatePlural('en', 'chat.members', 1)).toBe('1 member');
    expect(translatePlural('en', 'chat.members', 2000)).toBe('2000 members');
    expect(translatePlural('zh-CN', 'chat.members', 1)).toBe('1 位成员');
  });

  it('tells wrong credentials, rate limiting (with minutes) and an unreachable server apart', () => {
    const wrong = errorText('en', { code: 'invalid_credentials' });
    const limited = errorText('en', { code: 'rate_limited', details: { retryAfterSeconds: 601 } });
    const down = errorText('en', { code: 'unavailable' });
    expect(wrong).toMatch(/password/i);
    expect(limited).toContain('11 minutes'); // rounded up: never tell someone to retry too early
    expect(errorText('en', { code: 'rate_limited', details: { retryAfterSeconds: 30 } })).toContain('1 minute.');
    expect(errorText('zh-CN', { code: 'rate_limited', details: { retryAfterSeconds: 300 } })).toContain('5 分钟');
    expect(down).toMatch(/server/i);
    expect(new Set([wrong, limited, down]).size).toBe(3);
    expect(errorText('zh-CN', { code: 'invalid_credentials' })).toMatch(/密码/);
  });

  it('falls back to the generic text for an unknown code instead of showing a key', () => {
    expect(errorText('en', { code: 'teapot' as never })).toBe(en['error.internal']);
  });
});
