export { attachRealtime, rooms, SOCKET_MAX_FRAME_BYTES, type RealtimeDeps, type SocketIdentity } from './socket-server';
