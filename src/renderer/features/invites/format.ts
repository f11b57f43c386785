import type { AppError, Invite } from '@shared/contract';
import { INVITE_MAX_USES_CHOICES, LINK_INVITE_MAX_DAYS, LINK_INVITE_MIN_DAYS } from '@shared/rules/limits';
import type { Translator } from '../../i18n';

/** Every whole number of days a link may last (limits.ts). */
export const EXPIRY_DAY_CHOICES: readonly number[] = Array.from({ length: LINK_INVITE_MAX_DAYS - LINK_INVITE_MIN_DAYS + 1 }, (_, i) => LINK_INVITE_MIN_DAYS + i);
/** The max-uses choices; null is "unlimited". */
export const MAX_USES_CHOICES: readonly (number | null)[] = [...INVITE_MAX_USES_CHOICES, null];
export const DEFAULT_LINK_DAYS = 7;
export const DEFAULT_LINK_MAX_USES: number | null = null;

const HOUR_MS = 60 * 60 * 1000;
const DAY_MS = 24 * HOUR_MS;

export type TimeLeft = { unit: 'days' | 'hours'; count: number } | { unit: 'expired' };

/**
 * How long an invite still lasts, rounded for people: a code made a moment ago for 7 days says
 * "7 days", not "6"; under a day it counts hours (rounded up, so it never says "0 hours").
 */
export function timeLeft(expiresAt: string, now: Date): TimeLeft {
  const ms = Date.parse(expiresAt) - now.getTime();
  if (!(ms > 0)) return { unit: 'expired' };
  if (ms >= DAY_MS) return { unit: 'days', count: Math.max(1, Math.round(ms / DAY_MS)) };
  return { unit: 'hours', count: Math.ceil(ms / HOUR_MS) };
}

const dateTime = new Map<string, Intl.DateTimeFormat>();
export function formatDateTime(iso: string, locale: string): string {
  let f = dateTime.get(locale);
  if (!f) dateTime.set(locale, (f = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' })));
  return f.format(new Date(iso));
}

/** "Valid until 11 Dec 2026, 14:00 (7 days left)" or "Expired". */
export function expiryText({ t, tp, locale }: Translator, expiresAt: string, now: Date): string {
  const left = timeLeft(expiresAt, now);
  if (left.unit === 'expired') return t('invites.expired');
  const leftText = tp(left.unit === 'days' ? 'invites.left.days' : 'invites.left.hours', left.count);
  return t('invites.validUntil', { date: formatDateTime(expiresAt, locale), left: leftText });
}

/** "2 / 5 joined" or "2 joined · no limit". A use counts only when someone new joined. */
export function usesText({ t }: Translator, invite: Pick<Invite, 'uses' | 'maxUses'>): string {
  return invite.maxUses === null ? t('invites.uses.unlimited', { uses: invite.uses }) : t('invites.uses.limited', { uses: invite.uses, max: invite.maxUses });
}

export function maxUsesLabel({ t }: Translator, maxUses: number | null): string {
  return maxUses === null ? t('invites.link.unlimited') : String(maxUses);
}

/** Usable right now: not revoked, not expired, not used up. */
export function isActive(invite: Invite, now: Date): boolean {
  return invite.revokedAt === null && Date.parse(invite.expiresAt) > now.getTime() && (invite.maxUses === null || invite.uses < invite.maxUses);
}

/** The active invites, newest first (the list and the "current code" of each tab read them so). */
export function activeInvites(invites: readonly Invite[], now: Date): Invite[] {
  return invites.filter((i) => isActive(i, now)).sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt) || (a.id < b.id ? 1 : -1));
}

/** Everyone may revoke their own invites; `group.invite.manage` grants all of the group's (the server decides). */
export const mayRevoke = (invite: Invite, myId: string, canManage: boolean): boolean => canManage || invite.createdBy.id === myId;

/** An error in words for the share panel: who may invite, an invite already gone, else the general text. */
export function inviteErrorText({ t, te }: Translator, error: AppError, action: 'list' | 'create' | 'revoke', onlyAdminsInvite: boolean): string {
  if (error.code === 'forbidden') return t(onlyAdminsInvite ? 'invites.error.onlyAdmins' : 'invites.error.forbidden');
  if (error.code === 'not_found' && action === 'revoke') return t('invites.error.gone');
  if (error.code === 'unavailable') return t('invites.error.offline');
  return te(error);
}
