import { useEffect, useRef, useState } from 'react';
import { useLiveQuery } from 'dexie-react-hooks';
import { useT } from '../../i18n';
import { Spinner } from '../../components/Spinner';
import { GroupAvatar } from '../../app/GroupAvatar';
import { GroupInfoPanel } from '../group-info';
import { useSignedIn } from '../../app/services';
import { ChatEmpty } from './ChatEmpty';
import { MessageList, type MessageListHandle } from './MessageList';
import { Composer } from './Composer';
import './chat.css';

/** One open group: header, message log, composer. Mounted per group (keyed by id). */
export function ChatView({ groupId }: { groupId: string }) {
  const { t, tp } = useT();
  const { db, engine, profile } = useSignedIn();
  const group = useLiveQuery(async () => (await db.groups.get(groupId)) ?? null, [db, groupId]);
  const listRef = useRef<MessageListHandle>(null);
  const [infoOpen, setInfoOpen] = useState(false);
  const infoButtonRef = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    engine.openGroup(groupId);
    return () => engine.openGroup(null);
  }, [engine, groupId]);
  // The detail gives the announcement and whether this member may speak (muted, mute-all); kept
  // fresh by pushes while the chat is open.
  useEffect(() => engine.watchGroupDetail(groupId), [engine, groupId]);
  const detail = useLiveQuery(async () => (await db.groupDetails.get(groupId)) ?? null, [db, groupId]);
  const meInGroup = detail?.members.find((m) => m.id === profile.member.id);
  const silenced = meInGroup?.muted ? t('chat.muted') : detail?.settings.muteAll && meInGroup?.role === 'member' ? t('chat.mutedAll') : null;

  if (group === undefined) {
    return (
      <div className="chat-loading" role="status">
        <Spinner />
        <span>{t('chat.loading')}</span>
      </div>
    );
  }
  if (group === null) return <ChatEmpty />;

  return (
    <div className="chat-frame">
    <div className="chat-view" data-testid="chat-view" data-group-id={group.id}>
      <header className="chat-header">
        <GroupAvatar name={group.name} color={group.avatarColor} />
        <div className="chat-header-text">
          <h2 className="chat-title" data-testid="chat-title">
            {group.name}
          </h2>
          <p className="chat-subtitle" data-testid="chat-member-count">
            {tp('chat.members', group.memberCount)}
            {group.type !== 'internal' ? <span className={`tag tag-${group.type}`}>{t(`groups.type.${group.type}`)}</span> : null}
          </p>
        </div>
        <button
          ref={infoButtonRef}
          type="button"
          className={`button button-quiet icon-button chat-info-button${infoOpen ? ' is-active' : ''}`}
          data-testid="group-info-open"
          aria-expanded={infoOpen}
          aria-controls="group-info-panel"
          title={t('groupInfo.open')}
          aria-label={t('groupInfo.open')}
          onClick={() => setInfoOpen((o) => !o)}
        >
          <span aria-hidden="true">⋯</span>
        </button>
      </header>
      {detail?.announcement?.text ? (
        <button type="button" className="announcement-strip" data-testid="chat-announcement" onClick={() => setInfoOpen(true)}>
          <span className="announcement-strip-label">{t('chat.announcement')}</span>
          <span className="announcement-strip-text">{detail.announcement.text}</span>
        </button>
      ) : null}
      <MessageList ref={listRef} group={group} />
      {silenced ? (
        <div className="composer composer-silenced" role="status" data-testid="composer-silenced">
          {silenced}
        </div>
      ) : (
        <Composer groupId={group.id} onSent={() => listRef.current?.scrollToBottom()} />
      )}
    </div>
      {infoOpen ? (
        <GroupInfoPanel
          groupId={group.id}
          onClose={() => {
            setInfoOpen(false);
            infoButtonRef.current?.focus();
          }}
        />
      ) : null}
    </div>
  );
}
