import type { AppError, JoinRequest } from '@shared/contract';
import type { MessageKey, Translator } from '../../i18n';
import { displayName } from '../../lib/names';

/** How the requester came: "Scanned a QR code shared by Li Na", "Found it in the group directory", … */
export function viaText({ t, locale }: Translator, request: Pick<JoinRequest, 'via' | 'sharedBy'>): string {
  const key: MessageKey =
    request.via === 'qr' || request.via === 'link' || request.via === 'live' || request.via === 'directory' ? `joinRequests.via.${request.via}` : 'joinRequests.via.other';
  const how = t(key);
  return request.sharedBy ? t('joinRequests.sharedBy', { how, name: displayName(request.sharedBy, locale) }) : how;
}

/** Why it needs a decision: the group asks for approval, the person was removed before, or face capture is missing. */
export const reasonText = ({ t }: Translator, request: Pick<JoinRequest, 'reason'>): string => t(`joinRequests.reason.${request.reason}`);

/** A decision that could not be made, in words. */
export function decideErrorText({ t, te }: Translator, error: AppError): string {
  if (error.code === 'forbidden') return t('joinRequests.error.forbidden');
  if (error.code === 'not_found') return t('joinRequests.error.gone');
  return te(error);
}
