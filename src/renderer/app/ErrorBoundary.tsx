import { Component, type ErrorInfo, type ReactNode } from 'react';
import { translate } from '../i18n';
import { localeStore } from '../i18n';

interface State {
  failed: boolean;
}

/**
 * Last line of defence: a rendering error (e.g. the browser refusing IndexedDB) shows a way out
 * instead of a blank window. Class component: React has no hook for this.
 */
export class ErrorBoundary extends Component<{ children: ReactNode }, State> {
  override state: State = { failed: false };

  static getDerivedStateFromError(): State {
    return { failed: true };
  }

  override componentDidCatch(error: unknown, info: ErrorInfo): void {
    console.error('Muster UI failed', error, info.componentStack);
  }

  override render() {
    if (!this.state.failed) return this.props.children;
    const locale = localeStore.getState().locale;
    return (
      <div className="splash" role="alert" data-testid="app-error">
        <p>{translate(locale, 'error.internal')}</p>
        <button type="button" className="button button-primary" onClick={() => location.reload()}>
          {translate(locale, 'app.reload')}
        </button>
      </div>
    );
  }
}
