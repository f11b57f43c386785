import type { SocketLike, SocketListener } from '../../../src/renderer/sync/socket';

/** Returned by a handler to simulate an ack that never comes (the emit times out). */
export const NO_ACK = Symbol('no ack');

export type Handler = (payload: unknown) => unknown;

/**
 * A socket.io client socket without a network: tests play the server side (handlers answer acks,
 * `serverConnect` / `drop` / `push` / `refuse` drive the lifecycle).
 */
export class FakeSocket implements SocketLike {
  connected = false;
  active = true;
  connectCalls = 0;
  /** Connect as soon as `connect()` is called (like a reachable server). */
  acceptConnections = false;
  readonly emitted: { event: string; payload: unknown }[] = [];
  private readonly listeners = new Map<string, Set<SocketListener>>();

  constructor(public handler: (event: string, payload: unknown) => unknown = () => NO_ACK) {}

  on(event: string, listener: SocketListener): void {
    let set = this.listeners.get(event);
    if (!set) this.listeners.set(event, (set = new Set()));
    set.add(listener);
  }

  off(event: string, listener: SocketListener): void {
    this.listeners.get(event)?.delete(listener);
  }

  listenerCount(event: string): number {
    return this.listeners.get(event)?.size ?? 0;
  }

  async emitWithAck(event: string, payload: unknown, timeoutMs: number): Promise<unknown> {
    this.emitted.push({ event, payload: structuredClone(payload) });
    await Promise.resolve();
    const answer = await this.handler(event, payload);
    if (answer === NO_ACK) throw new Error(`operation has timed out (${timeoutMs} ms)`);
    return structuredClone(answer);
  }

  connect(): void {
    this.connectCalls++;
    if (this.acceptConnections && !this.connected) this.serverConnect();
  }

  disconnect(): void {
    this.active = false;
    if (!this.connected) return;
    this.connected = false;
    this.fire('disconnect', 'io client disconnect');
  }

  // ---------------------------------------------------------------- server side

  serverConnect(): void {
    this.connected = true;
    this.active = true;
    this.fire('connect');
  }

  drop(reason = 'transport close'): void {
    this.connected = false;
    this.fire('disconnect', reason);
  }

  push(event: string, payload: unknown): void {
    this.fire(event, structuredClone(payload));
  }

  refuse(message: string): void {
    this.active = false;
    this.fire('connect_error', new Error(message));
  }

  sent(event: string): unknown[] {
    return this.emitted.filter((e) => e.event === event).map((e) => e.payload);
  }

  private fire(event: string, ...args: unknown[]): void {
    for (const l of [...(this.listeners.get(event) ?? [])]) l(...args);
  }
}
