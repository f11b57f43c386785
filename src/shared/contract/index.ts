export * from './errors';
export * from './model';
export * from './wire';
export * from './bridge';
export * from './local-bridge';
