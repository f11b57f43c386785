export * from './engine';
export * from './socket';
export * from './request';
export * from './outbox';
export * from './history';
