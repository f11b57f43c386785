export {
  attachRealtime,
  rooms,
  DEFAULT_SOCKET_RATE_LIMIT,
  SOCKET_MAX_FRAME_BYTES,
  type RealtimeDeps,
  type SocketIdentity,
  type SocketRateLimit,
} from './socket-server';
export { TokenBucket } from './rate-limit';
