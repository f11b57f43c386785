/** Time formatting for the chat UI, in the user's language and time zone. */

const cache = new Map<string, Intl.DateTimeFormat>();
const fmt = (locale: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat => {
  const key = `${locale}|${JSON.stringify(options)}`;
  let f = cache.get(key);
  if (!f) cache.set(key, (f = new Intl.DateTimeFormat(locale, options)));
  return f;
};

const startOfDay = (d: Date) => new Date(d.getFullYear(), d.getMonth(), d.getDate()).getTime();
const DAY_MS = 24 * 60 * 60 * 1000;

/** Whole days between the two dates' calendar days (0 = same day, 1 = yesterday). */
export const daysBetween = (earlier: Date, later: Date) => Math.round((startOfDay(later) - startOfDay(earlier)) / DAY_MS);

export const formatClock = (iso: string, locale: string) => fmt(locale, { hour: '2-digit', minute: '2-digit', hour12: false }).format(new Date(iso));

export const formatFull = (iso: string, locale: string) => fmt(locale, { dateStyle: 'full', timeStyle: 'short' }).format(new Date(iso));

/** Group list: time today, "yesterday", date this year, full date before. */
export function formatListTime(iso: string, locale: string, yesterday: string, now = new Date()): string {
  const d = new Date(iso);
  const days = daysBetween(d, now);
  if (days <= 0) return formatClock(iso, locale);
  if (days === 1) return yesterday;
  if (d.getFullYear() === now.getFullYear()) return fmt(locale, { month: 'numeric', day: 'numeric' }).format(d);
  return fmt(locale, { year: 'numeric', month: 'numeric', day: 'numeric' }).format(d);
}

/** Day divider in the chat: "Today", "Yesterday", or the date. */
export function formatDay(iso: string, locale: string, labels: { today: string; yesterday: string }, now = new Date()): string {
  const d = new Date(iso);
  const days = daysBetween(d, now);
  if (days <= 0) return labels.today;
  if (days === 1) return labels.yesterday;
  const sameYear = d.getFullYear() === now.getFullYear();
  return fmt(locale, sameYear ? { month: 'long', day: 'numeric', weekday: 'short' } : { year: 'numeric', month: 'long', day: 'numeric' }).format(d);
}

export const localDayKey = (iso: string) => {
  const d = new Date(iso);
  return `${d.getFullYear()}-${d.getMonth()}-${d.getDate()}`;
};
