import { useEffect, useId, useRef, useState } from 'react';
import type { AppError, DirectoryGroup } from '@shared/contract';
import { Dialog } from '../../app/Dialog';
import { GroupAvatar } from '../../app/GroupAvatar';
import { useSignedIn } from '../../app/services';
import { Spinner } from '../../components/Spinner';
import { useT } from '../../i18n';
import { entryStore } from './entry';
import { joinStore } from './store';

const PAGE = 20;
const SEARCH_DELAY_MS = 250;

interface Listing {
  query: string;
  groups: DirectoryGroup[];
  nextCursor: string | null;
}

/**
 * "Find groups": the organization's searchable groups, by name (pinyin initials too — the server
 * matches), a page at a time. Choosing one goes through the same preview as a scanned code.
 */
export function DirectoryDialog() {
  const { t, tp, te } = useT();
  const { engine } = useSignedIn();
  const [query, setQuery] = useState('');
  const [listing, setListing] = useState<Listing | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<AppError | null>(null);
  const generation = useRef(0);
  const searchId = useId();
  const close = () => entryStore.getState().close();

  const load = async (q: string, cursor: string | null) => {
    const mine = ++generation.current;
    setLoading(true);
    setError(null);
    const r = await engine.request('groups:directory', { query: q, limit: PAGE, ...(cursor ? { cursor } : {}) });
    if (mine !== generation.current) return;
    setLoading(false);
    if (!r.ok) {
      setError(r.error);
      return;
    }
    setListing((prev) => ({
      query: q,
      groups: cursor && prev && prev.query === q ? [...prev.groups, ...r.value.groups] : r.value.groups,
      nextCursor: r.value.nextCursor,
    }));
  };

  useEffect(() => {
    const q = query.trim();
    const timer = setTimeout(() => void load(q, null), listing === null ? 0 : SEARCH_DELAY_MS);
    return () => clearTimeout(timer);
    // eslint-disable-next-line react-hooks/exhaustive-deps -- reload on the query only
  }, [query]);

  const choose = (g: DirectoryGroup) => {
    close();
    joinStore.getState().startDirectory(g.id);
  };

  const groups = listing?.groups ?? [];
  const shownQuery = query.trim();
  return (
    <Dialog
      title={t('join.directory.title')}
      onClose={close}
      size="medium"
      testId="directory-dialog"
      footer={
        <button type="button" className="button" onClick={close}>
          {t('join.close')}
        </button>
      }
    >
      <div className="directory">
        <label className="visually-hidden" htmlFor={searchId}>
          {t('join.directory.search')}
        </label>
        <div className="search-box">
          <span className="search-icon" aria-hidden="true" />
          <input
            id={searchId}
            type="search"
            className="search-input"
            autoFocus
            placeholder={t('join.directory.search')}
            value={query}
            onChange={(e) => setQuery(e.target.value)}
            data-testid="directory-search"
          />
        </div>
        {error ? (
          <div className="directory-state" role="alert" data-testid="directory-error">
            <p>{error.code === 'unavailable' ? t('join.directory.offline') : te(error)}</p>
            <button type="button" className="button" onClick={() => void load(shownQuery, null)}>
              {t('join.tryAgain')}
            </button>
          </div>
        ) : null}
        {!error && !loading && groups.length === 0 ? (
          <div className="directory-state" data-testid="directory-empty">
            <div className="empty-illustration" aria-hidden="true" />
            <p>{shownQuery ? t('join.directory.noMatch', { query: shownQuery }) : t('join.directory.empty')}</p>
          </div>
        ) : null}
        {groups.length > 0 ? (
          <ul className="directory-list" aria-label={t('join.directory.title')} aria-busy={loading}>
            {groups.map((g) => (
              <li key={g.id} className="directory-item" data-testid="directory-item" data-group-name={g.name}>
                <GroupAvatar name={g.name} color={g.avatarColor} />
                <div className="directory-item-text">
                  <span className="directory-item-name">{g.name}</span>
                  <span className="muted">
                    <span className={`tag tag-${g.type}`}>{t(`groups.type.${g.type}`)}</span> {tp('chat.members', g.memberCount)} ·{' '}
                    {t(`join.preview.asks.${g.verification}`)}
                  </span>
                </div>
                {g.isMember ? <span className="tag">{t('join.directory.member')}</span> : null}
                <button type="button" className="button" onClick={() => choose(g)} data-testid="directory-view">
                  {g.isMember ? t('join.action.open') : t('join.directory.view')}
                </button>
              </li>
            ))}
          </ul>
        ) : null}
        {loading ? (
          <p className="join-status muted" role="status">
            <Spinner /> {t('join.directory.loading')}
          </p>
        ) : listing?.nextCursor && listing.query === shownQuery && !error ? (
          // Only for the list on screen: a search typed meanwhile must not be overtaken by its old next page.
          <button type="button" className="button directory-more" onClick={() => void load(listing.query, listing.nextCursor)} data-testid="directory-more">
            {t('join.directory.more')}
          </button>
        ) : null}
      </div>
    </Dialog>
  );
}
