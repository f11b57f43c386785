import type { MemberProfile } from '@shared/contract';
import type { Locale } from '../i18n';

/** The two names a member has: as registered (often Chinese) and the org chart's English one. */
export type MemberNames = Pick<MemberProfile, 'name' | 'nameEn'>;

/**
 * Who is who, by member id: the org chart cache plus the signed-in member's own profile. Messages
 * and group previews carry only the name the server stored at send time, so every place that
 * names a sender looks the member up here first — that is what makes the English UI show every
 * member's English name, not just one's own.
 */
export type NameBook = ReadonlyMap<string, MemberNames>;

/**
 * A member's name for the current language: the English name in the English UI when the org chart
 * has one, else the name as registered (often Chinese). Never transliterated or made up.
 */
export function displayName(member: MemberNames, locale: Locale): string {
  const en = member.nameEn?.trim();
  return locale === 'en' && en ? en : member.name;
}

/** Builds the name book; `me` wins over a stale chart entry (my profile is refreshed at sign-in). */
export function nameBook(people: Iterable<MemberNames & { id: string }>, me?: MemberNames & { id: string }): NameBook {
  const book = new Map<string, MemberNames>();
  for (const p of people) book.set(p.id, { name: p.name, nameEn: p.nameEn });
  if (me) book.set(me.id, { name: me.name, nameEn: me.nameEn });
  return book;
}

/**
 * The sender shown on a message or a group preview: the member as the name book knows them, in
 * the UI language; the server's `senderName` when they are not in the book (a guest of another
 * organization, or the org chart not cached yet).
 */
export function senderDisplayName(message: { senderId: string | null; senderName: string }, locale: Locale, book: NameBook): string {
  const known = message.senderId !== null ? book.get(message.senderId) : undefined;
  return known ? displayName(known, locale) : message.senderName;
}
