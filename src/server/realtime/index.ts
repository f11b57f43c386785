export {
  attachRealtime,
  DEFAULT_SOCKET_RATE_LIMIT,
  SOCKET_MAX_FRAME_BYTES,
  type Realtime,
  type RealtimeDeps,
  type SocketIdentity,
  type SocketRateLimit,
} from './socket-server';
export { rooms } from './rooms';
export { mergeHandlers, type FeatureHandlers, type Handler, type ParsedRequest, type RequestContext, type AllHandlers } from './handlers';
export { noPushes, type Pushes } from './pushes';
export { TokenBucket } from './rate-limit';
