import { Fragment, useCallback, useEffect, useEffectEvent, useImperativeHandle, useLayoutEffect, useRef, useState, type Ref } from 'react';
import { useLiveQuery } from 'dexie-react-hooks';
import { Dexie } from 'dexie';
import type { AppError } from '@shared/contract';
import { HISTORY_PAGE_DEFAULT } from '@shared/rules/limits';
import { readMessages, type LocalGroup } from '../../db';
import { useT } from '../../i18n';
import { Spinner } from '../../components/Spinner';
import { formatDay, localDayKey } from '../../lib/time';
import { senderDisplayName } from '../../lib/names';
import { useNameBook } from '../../lib/use-name-book';
import { useSignedIn } from '../../app/services';
import { useConnectionState } from '../../stores/connection';
import { MessageItem } from './MessageItem';

export interface MessageListHandle {
  scrollToBottom(): void;
}

/** Within this many pixels of the bottom, new messages keep the view pinned to the bottom. */
const STICKY_PX = 48;

/**
 * The message log. Shows the newest page from the cache at once; scrolling to the top (or the
 * "load earlier" button) pages back, keeping what the user was looking at in place.
 */
export function MessageList({ group, ref }: { group: LocalGroup; ref?: Ref<MessageListHandle> }) {
  const { t, te, locale } = useT();
  const { db, engine, profile } = useSignedIn();
  const connection = useConnectionState();
  // null: the newest page; a seq: everything from that seq up (after paging back).
  const [floorSeq, setFloorSeq] = useState<number | null>(null);
  const [loadingOlder, setLoadingOlder] = useState(false);
  const [olderError, setOlderError] = useState<AppError | null>(null);
  const messages = useLiveQuery(() => readMessages(db, group.id, floorSeq, HISTORY_PAGE_DEFAULT), [db, group.id, floorSeq]);
  // Messages carry the name stored at send time; senders are named from the org chart, in the UI language.
  const names = useNameBook(db, profile.member);

  const oldestSeq = messages?.find((m) => m.id !== null)?.seq ?? null;
  const hasOlderCached = useLiveQuery(
    async () =>
      oldestSeq === null
        ? false
        : (await db.messages.where('[groupId+seq]').between([group.id, Dexie.minKey], [group.id, oldestSeq], true, false).count()) > 0,
    [db, group.id, oldestSeq],
  );
  const atStart = oldestSeq === 1 || (group.historyComplete && hasOlderCached === false) || (oldestSeq === null && group.lastSeq === 0);
  const canLoadOlder = oldestSeq !== null && !atStart;
  const waitingForFirstPage = messages !== undefined && oldestSeq === null && group.lastSeq > 0;

  const scrollRef = useRef<HTMLDivElement>(null);
  const sentinelRef = useRef<HTMLDivElement>(null);
  const contentRef = useRef<HTMLDivElement>(null);
  const stickToBottom = useRef(true);
  const restoreFrom = useRef<{ height: number; top: number } | null>(null);
  const busy = useRef(false);

  const scrollToBottom = useCallback(() => {
    stickToBottom.current = true;
    const el = scrollRef.current;
    if (el) el.scrollTop = el.scrollHeight;
  }, []);
  useImperativeHandle(ref, () => ({ scrollToBottom }), [scrollToBottom]);

  // After each render with new messages: keep the reader's place (paging back) or stay at the bottom.
  useLayoutEffect(() => {
    const el = scrollRef.current;
    if (!el) return;
    const restore = restoreFrom.current;
    if (restore) {
      if (el.scrollHeight !== restore.height) {
        el.scrollTop = el.scrollHeight - restore.height + restore.top;
        restoreFrom.current = null;
      }
    } else if (stickToBottom.current) {
      el.scrollTop = el.scrollHeight;
    }
  }, [messages]);

  // The log changes size without new messages: the window is resized, the composer grows with a
  // multi-line draft, the announcement strip comes or goes, text re-wraps at a new width. A reader
  // who was at the bottom stays there (scrolling alone decides whether they were: see onScroll).
  useEffect(() => {
    const el = scrollRef.current;
    if (!el || typeof ResizeObserver === 'undefined') return;
    const observer = new ResizeObserver(() => {
      if (stickToBottom.current && !restoreFrom.current) el.scrollTop = el.scrollHeight;
    });
    observer.observe(el);
    if (contentRef.current) observer.observe(contentRef.current);
    return () => observer.disconnect();
  }, []);

  async function loadOlder() {
    if (busy.current || !canLoadOlder || oldestSeq === null) return;
    busy.current = true;
    setLoadingOlder(true);
    setOlderError(null);
    const el = scrollRef.current;
    if (el) restoreFrom.current = { height: el.scrollHeight, top: el.scrollTop };
    const r = await engine.loadOlder(group.id, oldestSeq);
    busy.current = false;
    setLoadingOlder(false);
    if (!r.ok) {
      restoreFrom.current = null;
      setOlderError(r.error);
      return;
    }
    if (r.value.oldestSeq !== null) setFloorSeq(r.value.oldestSeq);
    else restoreFrom.current = null;
  }
  const onSentinelVisible = useEffectEvent(() => void loadOlder());

  // Top sentinel: re-observed whenever the oldest message changes, so a page that still leaves the
  // sentinel in view triggers the next one (IntersectionObserver only reports changes).
  useEffect(() => {
    const root = scrollRef.current;
    const sentinel = sentinelRef.current;
    if (!root || !sentinel || !canLoadOlder || typeof IntersectionObserver === 'undefined') return;
    const observer = new IntersectionObserver(
      (entries) => {
        if (entries.some((e) => e.isIntersecting)) onSentinelVisible();
      },
      { root, rootMargin: '160px 0px 0px 0px' },
    );
    observer.observe(sentinel);
    return () => observer.disconnect();
  }, [canLoadOlder, oldestSeq]);

  const onScroll = () => {
    const el = scrollRef.current;
    if (el) stickToBottom.current = el.scrollHeight - el.scrollTop - el.clientHeight < STICKY_PX;
  };

  return (
    <div className="message-scroll" ref={scrollRef} onScroll={onScroll}>
      <div ref={sentinelRef} className="message-sentinel" aria-hidden="true" />
      <div className="history-edge">
        {atStart && messages !== undefined && messages.length > 0 ? (
          <p className="history-start" data-testid="history-start">
            {t('chat.historyStart')}
          </p>
        ) : null}
        {canLoadOlder ? (
          <button
            type="button"
            className="button button-link"
            data-testid="load-older"
            onClick={() => void loadOlder()}
            disabled={loadingOlder}
            aria-busy={loadingOlder}
          >
            {loadingOlder ? <Spinner /> : null}
            {loadingOlder ? t('chat.loadingOlder') : t('chat.loadOlder')}
          </button>
        ) : null}
        {olderError ? (
          <p className="inline-error" role="alert" data-testid="load-older-error">
            {t('chat.olderFailed', { reason: te(olderError) })}
          </p>
        ) : null}
      </div>
      <div ref={contentRef} className="message-list" role="log" aria-live="polite" aria-relevant="additions" aria-label={group.name} data-testid="message-list">
        {messages === undefined || waitingForFirstPage ? (
          <div className="chat-loading" role="status">
            <Spinner />
            <span>{t('chat.loading')}</span>
          </div>
        ) : messages.length === 0 ? (
          <p className="chat-no-messages" data-testid="chat-no-messages">
            {t('chat.noMessages')}
          </p>
        ) : (
          messages.map((m, i) => {
            const prev = messages[i - 1];
            const newDay = !prev || localDayKey(prev.createdAt) !== localDayKey(m.createdAt);
            return (
              <Fragment key={m.key}>
                {newDay ? (
                  <div className="day-divider" role="separator">
                    <span>{formatDay(m.createdAt, locale, { today: t('chat.today'), yesterday: t('chat.yesterday') })}</span>
                  </div>
                ) : null}
                <MessageItem
                  message={m}
                  senderName={senderDisplayName(m, locale, names)}
                  names={names}
                  mine={m.senderId === profile.member.id}
                  offline={connection !== 'online'}
                  onRetry={() => void engine.retry(m.key)}
                  onDiscard={() => void engine.discard(m.key)}
                />
              </Fragment>
            );
          })
        )}
      </div>
    </div>
  );
}
