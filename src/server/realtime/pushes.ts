import type { Server } from 'socket.io';
import type { ClientToServerEvents, ServerToClientEvents, SocketPush, SocketPushName } from '@shared/contract';
import { rooms } from './rooms';

/**
 * How features reach connected clients. Transport only: features decide *what* to push and *who*
 * is affected; this says how. Room membership is changed through the member's own room
 * (`io.in(memberRoom).socketsJoin`), never by walking local sockets, so it keeps working when
 * several nodes share rooms through an adapter.
 */
export interface Pushes {
  /** `exceptSocketId`: not to this socket (the device that caused it has the answer already). */
  toMember<E extends SocketPushName>(memberId: string, event: E, payload: SocketPush<E>, exceptSocketId?: string): void;
  toMembers<E extends SocketPushName>(memberIds: readonly string[], event: E, payload: SocketPush<E>): void;
  toGroup<E extends SocketPushName>(groupId: string, event: E, payload: SocketPush<E>): void;
  toOrg<E extends SocketPushName>(orgId: string, event: E, payload: SocketPush<E>): void;
  /** Every socket of the member starts receiving the group's room. */
  joinGroup(memberId: string, groupId: string): void;
  /** Every socket of the member stops receiving the group's room. */
  leaveGroup(memberId: string, groupId: string): void;
  /** Every socket in the group's room leaves it (dissolved). */
  closeGroup(groupId: string): void;
  /** Closes every socket of the member (offboarded): they cannot reconnect without a session. */
  disconnectMember(memberId: string): void;
}

// socket.io's generics cannot follow a generic event name; the contract types the payloads above.
type AnyEmit = { emit(event: string, payload: unknown): void };

export const socketPushes = (io: Server<ClientToServerEvents, ServerToClientEvents>): Pushes => ({
  toMember: (memberId, event, payload, exceptSocketId) => {
    const target = exceptSocketId ? io.to(rooms.member(memberId)).except(exceptSocketId) : io.to(rooms.member(memberId));
    (target as unknown as AnyEmit).emit(event, payload);
  },
  toMembers: (memberIds, event, payload) => {
    if (memberIds.length === 0) return;
    (io.to(memberIds.map(rooms.member)) as unknown as AnyEmit).emit(event, payload);
  },
  toGroup: (groupId, event, payload) => (io.to(rooms.group(groupId)) as unknown as AnyEmit).emit(event, payload),
  toOrg: (orgId, event, payload) => (io.to(rooms.org(orgId)) as unknown as AnyEmit).emit(event, payload),
  joinGroup: (memberId, groupId) => io.in(rooms.member(memberId)).socketsJoin(rooms.group(groupId)),
  leaveGroup: (memberId, groupId) => io.in(rooms.member(memberId)).socketsLeave(rooms.group(groupId)),
  closeGroup: (groupId) => io.in(rooms.group(groupId)).socketsLeave(rooms.group(groupId)),
  disconnectMember: (memberId) => {
    (io.to(rooms.member(memberId)) as unknown as AnyEmit).emit('auth:expired', {});
    io.in(rooms.member(memberId)).disconnectSockets(true);
  },
});

/** For services used without a socket server (seed, CLI, unit tests): pushes go nowhere. */
export const noPushes: Pushes = {
  toMember: () => {},
  toMembers: () => {},
  toGroup: () => {},
  toOrg: () => {},
  joinGroup: () => {},
  leaveGroup: () => {},
  closeGroup: () => {},
  disconnectMember: () => {},
};
