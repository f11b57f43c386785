import type { MemberProfile } from '@shared/contract';
import type { Locale } from '../i18n';

/**
 * A member's name for the current language: the English name in the English UI when the org chart
 * has one, else the name as registered (often Chinese). Never transliterated or made up.
 */
export function displayName(member: Pick<MemberProfile, 'name' | 'nameEn'>, locale: Locale): string {
  const en = member.nameEn?.trim();
  return locale === 'en' && en ? en : member.name;
}

/**
 * The sender shown on a message. Messages carry only the server's `senderName`; the signed-in
 * member's own messages can use their profile (which has the English name), so they follow the UI
 * language. Other senders show what the server sent.
 */
export function senderDisplayName(
  message: { senderId: string | null; senderName: string },
  me: Pick<MemberProfile, 'id' | 'name' | 'nameEn'>,
  locale: Locale,
): string {
  return message.senderId !== null && message.senderId === me.id ? displayName(me, locale) : message.senderName;
}
