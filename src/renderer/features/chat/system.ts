import type { PersonRef, SystemEvent } from '@shared/contract';
import { describeSystemEvent } from '@shared/rules/system-events';
import type { Locale } from '../../i18n';
import type { NameBook } from '../../lib/names';

/**
 * A system message in the reader's language: from its event when it has one (张伟 邀请 李娜 加入群聊 /
 * Zhang Wei added Li Na); older system messages have only their stored body. The people in the
 * event are named as the name book knows them now (an English name added to the org chart later
 * shows too); the event's own copy of their names when they are not in the book.
 */
export function systemText(m: { body: string; system?: SystemEvent | null }, locale: Locale, book?: NameBook): string {
  if (!m.system) return m.body;
  if (!book) return describeSystemEvent(m.system, locale);
  const person = (p: PersonRef): PersonRef => {
    const known = book.get(p.id);
    return known ? { id: p.id, name: known.name, nameEn: known.nameEn } : p;
  };
  const e = m.system;
  return describeSystemEvent({ ...e, actor: e.actor ? person(e.actor) : null, targets: e.targets.map(person) }, locale);
}
