import { useEffect } from 'react';
import { useLocale, useT } from '../i18n';
import { SignInScreen } from '../features/auth';
import { Spinner } from '../components/Spinner';
import { useSession } from './services';
import { AppShell } from './AppShell';
import { ErrorBoundary } from './ErrorBoundary';

export function App() {
  const status = useSession((s) => s.status);
  const wiping = useSession((s) => s.wiping);
  const locale = useLocale();
  const { t } = useT();

  useEffect(() => {
    document.documentElement.lang = locale;
    document.title = t('app.name');
  }, [locale, t]);

  if (status === 'loading' || wiping) {
    return (
      <div className="splash" data-testid="app-loading" role="status">
        <Spinner size="large" />
        <p>{wiping ? t('shell.signingOut') : t('app.loading')}</p>
      </div>
    );
  }
  return status === 'signedIn' ? (
    <ErrorBoundary>
      <AppShell />
    </ErrorBoundary>
  ) : (
    <SignInScreen />
  );
}
