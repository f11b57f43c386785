export { createDeepLinkQueue, DEEP_LINK_QUEUE_MAX, JOIN_PROTOCOL, joinLinkFromArgv, type DeepLinkQueue } from './queue';
