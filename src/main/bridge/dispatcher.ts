import {
  bridgeCalls,
  err,
  badRequest,
  ipcChannel,
  MusterError,
  ok,
  type BridgeCallName,
  type BridgeParsedArgs,
  type BridgeResult,
  type Result,
} from '@shared/contract';
import { describeError, type Logger } from '../services/logger';

/**
 * The one place where a bridge call from the renderer meets a service. Both edges — Electron IPC
 * (src/main/electron/ipc.ts) and the browser-mode WebSocket (src/main/web-host.ts) — validate the
 * SENDER themselves and then hand the raw channel + args here, which:
 * 1. refuses channels that are not in the contract (`bad_request`),
 * 2. parses the args with the contract schema (`bad_request` with the issues; unknown keys are
 *    stripped by zod, so they never reach a service),
 * 3. runs the handler: a thrown MusterError becomes its Err; anything else is a bug, logged in
 *    full and answered with a generic `internal` (internals never travel to the renderer),
 * 4. in dev/test, checks the handler's value against the result schema to catch contract drift.
 */
export type BridgeHandlers = {
  [N in BridgeCallName]: (args: BridgeParsedArgs<N>) => Promise<BridgeResult<N>>;
};

export interface BridgeDispatcher {
  /** `channel` is the IPC channel name (`ipcChannel(name)`, e.g. `muster:auth:signIn`). */
  dispatch(channel: unknown, rawArgs: unknown): Promise<Result<unknown>>;
}

const callByChannel = new Map<string, BridgeCallName>(
  (Object.keys(bridgeCalls) as BridgeCallName[]).map((name) => [ipcChannel(name), name]),
);

export function createBridgeDispatcher(
  handlers: BridgeHandlers,
  options: { log: Logger; validateResults?: boolean },
): BridgeDispatcher {
  const { log } = options;
  const validateResults = options.validateResults ?? process.env.NODE_ENV !== 'production';

  async function run<N extends BridgeCallName>(name: N, rawArgs: unknown): Promise<Result<unknown>> {
    const parsed = bridgeCalls[name].args.safeParse(rawArgs === undefined ? {} : rawArgs);
    if (!parsed.success) return badRequest(parsed.error.issues, `arguments for ${name}`);
    const handler = handlers[name] as (args: unknown) => Promise<unknown>;
    let value: unknown;
    try {
      value = await handler(parsed.data);
    } catch (e) {
      if (e instanceof MusterError) return e.toErr();
      log.error(`Bridge call ${name} failed unexpectedly`, { error: describeError(e), stack: e instanceof Error ? e.stack : undefined });
      return err('internal', `Unexpected error in ${name}`);
    }
    if (validateResults) {
      const checked = bridgeCalls[name].result.safeParse(value);
      if (!checked.success) {
        log.error(`Bridge call ${name} returned a value that does not match the contract`, { issues: checked.error.issues });
        return err('internal', `Unexpected error in ${name}`);
      }
      return ok(checked.data);
    }
    return ok(value);
  }

  return {
    async dispatch(channel, rawArgs) {
      const name = typeof channel === 'string' ? callByChannel.get(channel) : undefined;
      if (!name) {
        return err('bad_request', `Unknown bridge call: ${typeof channel === 'string' ? JSON.stringify(channel.slice(0, 128)) : typeof channel}`);
      }
      return run(name, rawArgs);
    },
  };
}
