import { useEffect, useRef } from 'react';
import { useLiveQuery } from 'dexie-react-hooks';
import { useT } from '../../i18n';
import { Spinner } from '../../components/Spinner';
import { Avatar } from '../../components/Avatar';
import { useSignedIn } from '../../app/services';
import { ChatEmpty } from './ChatEmpty';
import { MessageList, type MessageListHandle } from './MessageList';
import { Composer } from './Composer';
import './chat.css';

/** One open group: header, message log, composer. Mounted per group (keyed by id). */
export function ChatView({ groupId }: { groupId: string }) {
  const { t, tp } = useT();
  const { db, engine } = useSignedIn();
  const group = useLiveQuery(async () => (await db.groups.get(groupId)) ?? null, [db, groupId]);
  const listRef = useRef<MessageListHandle>(null);

  useEffect(() => {
    engine.openGroup(groupId);
    return () => engine.openGroup(null);
  }, [engine, groupId]);

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
    <div className="chat-view" data-testid="chat-view" data-group-id={group.id}>
      <header className="chat-header">
        <Avatar name={group.name} />
        <div className="chat-header-text">
          <h2 className="chat-title" data-testid="chat-title">
            {group.name}
          </h2>
          <p className="chat-subtitle" data-testid="chat-member-count">
            {tp('chat.members', group.memberCount)}
            {group.type !== 'internal' ? <span className={`tag tag-${group.type}`}>{t(`groups.type.${group.type}`)}</span> : null}
          </p>
        </div>
      </header>
      <MessageList ref={listRef} group={group} />
      <Composer groupId={group.id} onSent={() => listRef.current?.scrollToBottom()} />
    </div>
  );
}
