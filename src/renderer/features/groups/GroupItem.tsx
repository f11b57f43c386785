import type { Ref } from 'react';
import { unreadBadgeText, unreadCount, type LocalGroup } from '../../db';
import { useT } from '../../i18n';
import { GroupAvatar } from '../../app/GroupAvatar';
import { formatListTime } from '../../lib/time';
import { senderDisplayName } from '../../lib/names';
import { useNameBook } from '../../lib/use-name-book';
import { systemText } from '../chat';
import { useSignedIn } from '../../app/services';

interface Props {
  group: LocalGroup;
  selected: boolean;
  tabbable: boolean;
  onOpen(): void;
  onFocus(): void;
  ref: Ref<HTMLLIElement>;
}

export function GroupItem({ group, selected, tabbable, onOpen, onFocus, ref }: Props) {
  const { t, tp, locale } = useT();
  const { db, profile } = useSignedIn();
  const names = useNameBook(db, profile.member);
  const unread = unreadCount(group);
  const last = group.lastMessage;
  const preview = last ? (last.kind === 'system' ? systemText(last, locale, names) : `${senderDisplayName(last, locale, names)}: ${last.body}`) : t('groups.noMessages');
  const time = last ? formatListTime(last.createdAt, locale, t('chat.yesterday')) : '';

  return (
    <li
      ref={ref}
      role="option"
      className={`group-item${selected ? ' is-selected' : ''}${unread > 0 ? ' has-unread' : ''}`}
      data-testid="group-item"
      data-group-id={group.id}
      data-group-name={group.name}
      data-my-role={group.myRole}
      aria-selected={selected}
      tabIndex={tabbable ? 0 : -1}
      onClick={onOpen}
      onFocus={onFocus}
    >
      <GroupAvatar name={group.name} color={group.avatarColor} />
      <div className="group-item-main">
        <div className="group-item-row">
          {/* The name wins the space: in a narrow list the tags wrap below it rather than cut it short. */}
          <span className="group-item-title">
            <span className="group-item-name" title={group.name}>
              {group.name}
            </span>
            {group.type !== 'internal' ? <span className={`tag tag-${group.type}`}>{t(`groups.type.${group.type}`)}</span> : null}
            {group.myRole !== 'member' ? (
              <span className={`tag tag-role tag-${group.myRole}`} data-testid="group-my-role" data-role={group.myRole}>
                {t(`groups.myRole.${group.myRole}`)}
              </span>
            ) : null}
          </span>
          <time className="group-item-time" dateTime={last?.createdAt}>
            {time}
          </time>
        </div>
        <div className="group-item-row">
          <span className="group-item-preview" data-testid="group-preview">
            {preview}
          </span>
          {unread > 0 ? (
            <span className="unread-badge" data-testid="unread-badge" aria-label={tp('groups.unread', unread)}>
              {unreadBadgeText(unread)}
            </span>
          ) : null}
        </div>
      </div>
    </li>
  );
}
