import { z } from 'zod';

/**
 * Browser mode: the renderer runs in an ordinary browser and reaches the main-process services
 * (hosted by `src/main/web-host.ts`) over a WebSocket at `/bridge` on the page's own origin.
 * These are the frames on that socket; the calls and events inside them are the bridge contract's.
 */
export const LOCAL_BRIDGE_PATH = '/bridge';

export const InvokeFrame = z.object({
  type: z.literal('invoke'),
  id: z.number().int().nonnegative(),
  channel: z.string().max(128),
  args: z.unknown(),
});
export const ResultFrame = z.object({
  type: z.literal('result'),
  id: z.number().int().nonnegative(),
  result: z.unknown(), // a Result, validated by the caller against the call's schema
});
export const EventFrame = z.object({ type: z.literal('event'), channel: z.string(), payload: z.unknown() });

export const HostToPageFrame = z.discriminatedUnion('type', [ResultFrame, EventFrame]);
export type InvokeFrame = z.infer<typeof InvokeFrame>;
export type HostToPageFrame = z.infer<typeof HostToPageFrame>;

/** Frames larger than this are refused by the host (a bridge call carries small JSON). */
export const LOCAL_BRIDGE_MAX_FRAME_BYTES = 64 * 1024;
