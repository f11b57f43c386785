import type { SystemEvent } from '@shared/contract';
import { describeSystemEvent } from '@shared/rules/system-events';
import type { Locale } from '../../i18n';

/**
 * A system message in the reader's language: from its event when it has one (张伟 邀请 李娜 加入群聊 /
 * Zhang Wei added Li Na); older system messages have only their stored body.
 */
export function systemText(m: { body: string; system?: SystemEvent | null }, locale: Locale): string {
  return m.system ? describeSystemEvent(m.system, locale) : m.body;
}
