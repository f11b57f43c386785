import { useEffect } from 'react';
import { useSignedIn } from '../../app/services';
import { connectionStore } from '../../stores/connection';
import { uiStore } from '../../stores/ui';
import { ScanPanel } from '../scan';
import { onLinkArrived, takePendingLinks } from './bridge';
import { DirectoryDialog } from './DirectoryDialog';
import { entryStore, useEntry } from './entry';
import { JoinDialog } from './JoinDialog';
import { PasteDialog } from './PasteDialog';
import { joinStore, startJoin } from './store';

/**
 * Mounted by the signed-in shell: gives the join flow the member's session, takes the join links
 * that waited through sign-in (desktop: the main process's queue; browser mode: local storage),
 * listens for links arriving while the app runs, goes on with an offline join when the connection
 * is back, and renders the join dialogs.
 */
export function JoinHost() {
  const { engine, profile } = useSignedIn();
  const panel = useEntry((s) => s.panel);

  useEffect(() => {
    const store = joinStore.getState();
    store.attach({
      request: engine.request,
      orgId: profile.org.id,
      isConnecting: () => connectionStore.getState().state === 'connecting',
      joined: (group) => {
        void engine.addCreatedGroup(group).then(() => openGroup(group.id));
      },
      open: openGroup,
    });
    let live = true;
    const takeLinks = async () => {
      for (const token of await takePendingLinks()) if (live) startJoin(token, 'deeplink');
    };
    const off = onLinkArrived(() => void takeLinks());
    void takeLinks();
    return () => {
      live = false;
      off();
      joinStore.getState().detach();
      entryStore.getState().close();
    };
  }, [engine, profile.org.id]);

  useEffect(
    () =>
      connectionStore.subscribe((s, prev) => {
        if (s.state !== 'online' || prev.state === 'online') return;
        joinStore.getState().resume();
        void joinStore.getState().refreshKeys();
      }),
    [],
  );

  const closePanel = () => entryStore.getState().close();
  return (
    <>
      {panel === 'scan' ? (
        <ScanPanel
          onText={(text, how) => {
            closePanel();
            startJoin(text, how);
          }}
          onClose={closePanel}
        />
      ) : null}
      {panel === 'paste' ? <PasteDialog /> : null}
      {panel === 'directory' ? <DirectoryDialog /> : null}
      <JoinDialog />
    </>
  );
}

function openGroup(groupId: string): void {
  const ui = uiStore.getState();
  ui.setSection('messages');
  ui.selectGroup(groupId);
}
