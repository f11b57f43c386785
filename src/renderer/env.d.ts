import type { MusterApi } from '@shared/contract';

declare global {
  interface Window {
    /** Exposed by the Electron preload; installed by bridge/client.ts in browser mode. */
    muster?: MusterApi;
  }
}

export {};
