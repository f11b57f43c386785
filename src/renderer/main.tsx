import './lib/zod-config';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { createBridgeClient, resolveMusterApi } from './bridge/client';
import { localeStore } from './i18n';
import { browserStorage } from './lib/storage';
import { documentVisibility } from './lib/visibility';
import { browserTabSignal } from './lib/tab-signal';
import { installRejectionLogger } from './lib/unhandled';
import { createServerSocket } from './sync';
import { connectionStore } from './stores/connection';
import { uiStore } from './stores/ui';
import { createSessionStore } from './stores/session';
import { ServicesContext } from './app/services';
import { App } from './app/App';
import './app/app.css';

installRejectionLogger(window);

const bridge = createBridgeClient(resolveMusterApi(window));
let infoServerUrl: string | undefined;

const session = createSessionStore({
  bridge,
  storage: browserStorage(),
  createSocket: createServerSocket,
  visibility: documentVisibility(),
  onConnectionState: (state) => connectionStore.getState().set(state),
  onGroupsSynced: (synced) => connectionStore.getState().setGroupsSynced(synced),
  onSignedOut: () => uiStore.getState().reset(),
  onSignedIn: (memberId) => uiStore.getState().openDrafts(memberId),
  tabs: browserTabSignal(),
  serverUrl: () => infoServerUrl,
});

// Neither call blocks the first paint: the shell renders from the cache as soon as auth:current answers.
void bridge.call('app:info', {}).then((r) => {
  if (!r.ok) return;
  infoServerUrl = r.value.serverUrl;
  // In Electron the OS language is the user's; in a browser, the browser's own setting already is.
  if (r.value.mode === 'electron') localeStore.getState().adoptSystemLocale(r.value.osLocale);
});
void session.getState().init();

const root = document.getElementById('root');
if (root) {
  createRoot(root).render(
    <StrictMode>
      <ServicesContext value={{ session }}>
        <App />
      </ServicesContext>
    </StrictMode>,
  );
}
