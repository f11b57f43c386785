export * from './errors';
export * from './model';
export * from './wire';
export * from './bridge';
export * from './local-bridge';
export * from './org';
export * from './groups';
export * from './audit';
