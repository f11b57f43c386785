import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { browserStorage, storageKeys } from '../../lib/storage';
import type { AppError } from '@shared/contract';
import { useT } from '../../i18n';
import { Spinner } from '../../components/Spinner';
import { LocaleSwitch } from '../../app/LocaleSwitch';
import { useServices, useSession } from '../../app/services';
import './auth.css';

type FormError = { kind: 'missing' } | { kind: 'app'; error: AppError };

export function SignInScreen() {
  const { t, te } = useT();
  const { session } = useServices();
  const notice = useSession((s) => s.notice);
  // The last organization signed in to (editable); the demo organization on a first start.
  const [org, setOrg] = useState(() => browserStorage().getItem(storageKeys.lastOrg) ?? 'demo');
  const [account, setAccount] = useState('');
  const [password, setPassword] = useState('');
  const [submitting, setSubmitting] = useState(false);
  const [error, setError] = useState<FormError | null>(null);
  const ids = { org: useId(), account: useId(), password: useId(), hint: useId(), error: useId() };
  const passwordRef = useRef<HTMLInputElement>(null);
  const [failures, setFailures] = useState(0);

  // The fields are disabled while signing in, which drops focus to the page; after a failure it
  // goes back to the password (the usual fix is retyping it), once the field is enabled again.
  useEffect(() => {
    if (failures > 0) passwordRef.current?.focus();
  }, [failures]);

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (submitting) return;
    if (!org.trim() || !account.trim() || !password) {
      setError({ kind: 'missing' });
      return;
    }
    setSubmitting(true);
    setError(null);
    const r = await session.getState().signIn({ org: org.trim(), account: account.trim(), password });
    // On success this screen unmounts; only failures come back here.
    if (r.ok) {
      browserStorage().setItem(storageKeys.lastOrg, org.trim().toLowerCase());
    } else {
      setSubmitting(false);
      setError({ kind: 'app', error: r.error });
      if (r.error.code === 'invalid_credentials') setPassword('');
      setFailures((n) => n + 1);
    }
  }

  const errorText = error ? (error.kind === 'missing' ? t('auth.missingFields') : te(error.error)) : null;

  return (
    <div className="signin-page">
      <div className="signin-topbar">
        <LocaleSwitch />
      </div>
      <main className="signin-card">
        <div className="signin-brand">
          <span className="brand-mark brand-mark-large" aria-hidden="true">
            M
          </span>
          <h1>{t('auth.title')}</h1>
          <p className="muted">{t('auth.subtitle')}</p>
        </div>
        {notice && !error ? (
          <p className="notice" role="status" data-testid="signin-notice" data-notice={notice}>
            {notice === 'replaced' ? t('auth.replaced') : t('auth.sessionEnded')}
          </p>
        ) : null}
        <form className="signin-form" data-testid="signin-form" onSubmit={(e) => void submit(e)} noValidate aria-describedby={errorText ? ids.error : undefined}>
          <div className="field">
            <label htmlFor={ids.org}>{t('auth.org')}</label>
            <input
              id={ids.org}
              data-testid="signin-org"
              name="org"
              autoComplete="organization"
              autoCapitalize="none"
              spellCheck={false}
              value={org}
              onChange={(e) => setOrg(e.target.value)}
              aria-describedby={ids.hint}
              disabled={submitting}
            />
            <span id={ids.hint} className="field-hint">
              {t('auth.orgHint')}
            </span>
          </div>
          <div className="field">
            <label htmlFor={ids.account}>{t('auth.account')}</label>
            <input
              id={ids.account}
              data-testid="signin-account"
              name="account"
              autoComplete="username"
              autoCapitalize="none"
              spellCheck={false}
              value={account}
              onChange={(e) => setAccount(e.target.value)}
              disabled={submitting}
              autoFocus
            />
          </div>
          <div className="field">
            <label htmlFor={ids.password}>{t('auth.password')}</label>
            <input
              id={ids.password}
              ref={passwordRef}
              data-testid="signin-password"
              name="password"
              type="password"
              autoComplete="current-password"
              value={password}
              onChange={(e) => setPassword(e.target.value)}
              disabled={submitting}
            />
          </div>
          {errorText ? (
            <div className="form-error" role="alert" id={ids.error} data-testid="signin-error" data-code={error?.kind === 'app' ? error.error.code : 'missing'}>
              {errorText}
            </div>
          ) : null}
          <button type="submit" className="button button-primary button-block" data-testid="signin-submit" disabled={submitting} aria-busy={submitting}>
            {submitting ? <Spinner /> : null}
            {submitting ? t('auth.submitting') : t('auth.submit')}
          </button>
        </form>
      </main>
    </div>
  );
}
