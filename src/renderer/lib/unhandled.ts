/**
 * Backstop for promise rejections nobody handled: logs them with console.error (which the Electron
 * main process and the browser console both keep) instead of letting them vanish. The sources are
 * expected to handle their own failures; this only makes a missed one visible.
 */
export function installRejectionLogger(
  target: Pick<EventTarget, 'addEventListener' | 'removeEventListener'>,
  log: (message: string, reason: unknown) => void = (m, r) => console.error(m, r),
): () => void {
  const listener = (event: Event) => {
    const reason = 'reason' in event ? (event as PromiseRejectionEvent).reason : undefined;
    log('[muster] unhandled promise rejection', reason);
    // Logged above with its stack; the browser's own "Uncaught (in promise)" would repeat it.
    event.preventDefault();
  };
  target.addEventListener('unhandledrejection', listener);
  return () => target.removeEventListener('unhandledrejection', listener);
}
