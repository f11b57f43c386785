import { ErrorCode, type AppError } from '@shared/contract';
import { en, type Dictionary, type MessageKey } from './locales/en';
import { zhCN } from './locales/zh-CN';

export const LOCALES = ['zh-CN', 'en'] as const;
export type Locale = (typeof LOCALES)[number];

export const dictionaries: Readonly<Record<Locale, Dictionary>> = { 'zh-CN': zhCN, en };

/** Native names: a language is always listed in its own language. */
export const localeNames: Readonly<Record<Locale, string>> = { 'zh-CN': '简体中文', en: 'English' };

export const isLocale = (v: unknown): v is Locale => typeof v === 'string' && (LOCALES as readonly string[]).includes(v);

/** Any BCP 47 tag to a supported locale: every Chinese variant to zh-CN (the only Chinese we ship), else English. */
export function normalizeLocale(tag: string | null | undefined): Locale | null {
  if (!tag) return null;
  const t = tag.trim().toLowerCase().replace('_', '-');
  if (!t) return null;
  if (t === 'zh' || t.startsWith('zh-')) return 'zh-CN';
  return 'en';
}

/** The user's explicit choice wins; then the first usable system/browser preference; else English. */
export function detectLocale(stored: string | null, preferred: readonly (string | null | undefined)[]): Locale {
  if (isLocale(stored)) return stored;
  for (const tag of preferred) {
    const l = normalizeLocale(tag);
    if (l) return l;
  }
  return 'en';
}

export type Params = Readonly<Record<string, string | number>>;

export function translate(locale: Locale, key: MessageKey, params?: Params): string {
  const template = dictionaries[locale][key] ?? en[key];
  if (!params) return template;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}

export type PluralBase = MessageKey extends infer K ? (K extends `${infer B}.one` ? B : never) : never;

const pluralRules = new Map<Locale, Intl.PluralRules>();

/** `{base}.one` or `{base}.other`, chosen by the locale's plural rules; `count` is available as {count}. */
export function translatePlural(locale: Locale, base: PluralBase, count: number, params?: Params): string {
  let rules = pluralRules.get(locale);
  if (!rules) pluralRules.set(locale, (rules = new Intl.PluralRules(locale)));
  const form = rules.select(count) === 'one' ? 'one' : 'other';
  return translate(locale, `${base}.${form}` as MessageKey, { count, ...params });
}

/** Friendly text for an error code (the English `message` is for logs, never shown). */
export function errorText(locale: Locale, error: Pick<AppError, 'code' | 'details'>): string {
  const code = ErrorCode.safeParse(error.code).success ? error.code : 'internal';
  if (code === 'rate_limited') {
    const seconds = Number(error.details?.['retryAfterSeconds']);
    const minutes = Number.isFinite(seconds) && seconds > 0 ? Math.ceil(seconds / 60) : 1;
    return translatePlural(locale, 'error.rate_limited', minutes, { minutes });
  }
  // A specific reason the server gives (group_full, banned, ...) says more than the code.
  const reason = error.details?.['reason'];
  if (typeof reason === 'string' && /^[a-z_]+$/.test(reason) && `error.reason.${reason}` in en) {
    const params: Record<string, string | number> = {};
    for (const [k, v] of Object.entries(error.details ?? {})) if (typeof v === 'number' || typeof v === 'string') params[k] = v;
    return translate(locale, `error.reason.${reason}` as MessageKey, params);
  }
  // A refusal names the permission that was missing: say which action it was.
  const permission = error.details?.['permission'];
  if (code === 'forbidden' && typeof permission === 'string' && `permission.${permission}` in en) {
    return translate(locale, 'error.forbidden.permission', { action: translate(locale, `permission.${permission}` as MessageKey) });
  }
  return translate(locale, `error.${code}` as MessageKey);
}
