import { z } from 'zod';
import { AccountName, Id, IsoTime, MemberProfile, OrgInfo, OrgSlug, Password } from './model';
import { badRequest, type Result } from './errors';
import { InviteToken } from './joining';

/**
 * The renderer <-> main bridge. Channel names are `namespace:method`; the preload (Electron) and
 * the browser-mode bridge both expose exactly these as `window.muster.<namespace>.<method>(args)`
 * and events as `window.muster.<namespace>.on<Event>(listener)`.
 *
 * Every call resolves to a Result (never rejects for an expected failure): Electron's IPC drops
 * custom error fields, so errors travel as values.
 */

export const Profile = z.object({ member: MemberProfile, org: OrgInfo, serverUrl: z.string() });
export type Profile = z.infer<typeof Profile>;

/** `memberId` says whose token it is: a page signed in as someone else must not use it. */
export const AccessToken = z.object({ accessToken: z.string(), expiresAt: IsoTime, memberId: Id });
export type AccessToken = z.infer<typeof AccessToken>;

export const bridgeCalls = {
  /** What the renderer needs to start: where the server is and how it runs. */
  'app:info': {
    args: z.object({}),
    result: z.object({
      version: z.string(),
      platform: z.string(),
      mode: z.enum(['electron', 'browser']),
      osLocale: z.string(),
      serverUrl: z.string(),
    }),
  },
  /** Signs in; the refresh token stays in the main process (secure storage). */
  'auth:signIn': {
    args: z.object({ org: OrgSlug, account: AccountName, password: Password }),
    // persisted: false when the OS offers no secure storage — the session then lives in memory
    // only (the user signs in again next start) rather than being written down in plain text.
    result: z.object({ profile: Profile, token: AccessToken, persisted: z.boolean() }),
  },
  /** The stored profile, read locally without touching the network (so the cache can show at once). */
  'auth:current': {
    args: z.object({}),
    result: z.object({ profile: Profile.nullable() }),
  },
  /** A valid access token, refreshed over the network when close to expiry. `forceRefresh` after a server refusal. */
  'auth:accessToken': {
    args: z.object({ forceRefresh: z.boolean().default(false) }),
    result: AccessToken,
  },
  /** Revokes the refresh token (best effort when offline) and wipes it from secure storage. */
  'auth:signOut': {
    args: z.object({}),
    result: z.object({}),
  },
  /** Opens a validated http(s) link in the OS browser. */
  'shell:openExternal': {
    args: z.object({
      // http(s) only; main re-checks (no credentials in the URL) before handing it to the OS
      url: z.url({ protocol: /^https?$/ }).max(2048),
    }),
    result: z.object({}),
  },
  /**
   * Join links (`muster://join/<token>`) that reached the app — a second launch, macOS open-url, or
   * the command line — and wait to be shown, also through sign-in. Taking them empties the queue.
   */
  'links:takePending': {
    args: z.object({}),
    result: z.object({ tokens: z.array(InviteToken) }),
  },
} as const;

export const bridgeEvents = {
  /** The session ended outside the renderer's control (refresh refused, signed out elsewhere). */
  // signed_out: by this user (any window); replaced: someone else signed in on this desktop
  // (browser mode: one member per web host); revoked / expired: refused by the server.
  'auth:sessionEnded': z.object({ reason: z.enum(['signed_out', 'replaced', 'revoked', 'expired']) }),
  /** A join link arrived while the app runs (the window is focused first). Call links:takePending to consume it. */
  'links:join': z.object({ token: InviteToken }),
} as const;

export type BridgeCalls = typeof bridgeCalls;
export type BridgeCallName = keyof BridgeCalls;
export type BridgeArgs<N extends BridgeCallName> = z.input<BridgeCalls[N]['args']>;
export type BridgeParsedArgs<N extends BridgeCallName> = z.infer<BridgeCalls[N]['args']>;
export type BridgeResult<N extends BridgeCallName> = z.infer<BridgeCalls[N]['result']>;
export type BridgeEvents = typeof bridgeEvents;
export type BridgeEventName = keyof BridgeEvents;
export type BridgeEvent<N extends BridgeEventName> = z.infer<BridgeEvents[N]>;

/** IPC channel names are namespaced so nothing else in the app can collide with them. */
export const ipcChannel = (name: BridgeCallName | BridgeEventName): string => `muster:${name}`;

// ------------------------------------------------------------- window.muster's type

type Split<S extends string> = S extends `${infer NS}:${infer M}` ? [NS, M] : never;
type NamespaceOf<N extends string> = Split<N>[0];
type MethodOf<N extends string> = Split<N>[1];

type CallsIn<NS extends string> = {
  [N in BridgeCallName as NamespaceOf<N> extends NS ? MethodOf<N> : never]: (
    args: BridgeArgs<N>,
  ) => Promise<Result<BridgeResult<N>>>;
};
type EventsIn<NS extends string> = {
  [N in BridgeEventName as NamespaceOf<N> extends NS ? `on${Capitalize<MethodOf<N>>}` : never]: (
    listener: (payload: BridgeEvent<N>) => void,
  ) => () => void;
};

export type MusterApi = {
  [NS in NamespaceOf<BridgeCallName> | NamespaceOf<BridgeEventName>]: CallsIn<NS> & EventsIn<NS>;
};

/** How a bridge reaches the main process: Electron IPC in the preload, a WebSocket in browser mode. */
export interface BridgeTransport {
  invoke(channel: string, args: unknown): Promise<unknown>;
  subscribe(channel: string, listener: (payload: unknown) => void): () => void;
}

const splitName = (name: string): [string, string] => {
  const i = name.indexOf(':');
  return [name.slice(0, i), name.slice(i + 1)];
};

/**
 * Builds `window.muster` from the contract: one function per declared call and one subscriber per
 * declared event — nothing generic is exposed. Arguments are checked here too so that a renderer
 * bug fails fast with a typed error instead of travelling to the main process.
 */
export function createMusterApi(transport: BridgeTransport): MusterApi {
  const api: Record<string, Record<string, unknown>> = {};
  for (const name of Object.keys(bridgeCalls) as BridgeCallName[]) {
    const [ns, method] = splitName(name);
    const schema = bridgeCalls[name].args;
    (api[ns] ??= {})[method] = async (args: unknown) => {
      const parsed = schema.safeParse(args ?? {});
      if (!parsed.success) return badRequest(parsed.error.issues, `arguments for ${name}`);
      return transport.invoke(ipcChannel(name), parsed.data);
    };
  }
  for (const name of Object.keys(bridgeEvents) as BridgeEventName[]) {
    const [ns, event] = splitName(name);
    const schema = bridgeEvents[name];
    (api[ns] ??= {})[`on${event[0]!.toUpperCase()}${event.slice(1)}`] = (listener: (p: unknown) => void) => {
      if (typeof listener !== 'function') throw new TypeError(`${name}: listener must be a function`);
      return transport.subscribe(ipcChannel(name), (payload) => {
        const parsed = schema.safeParse(payload);
        if (parsed.success) listener(parsed.data);
      });
    };
  }
  return api as MusterApi;
}
