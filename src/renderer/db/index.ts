export * from './schema';
export * from './messages';
export * from './groups';
export * from './org';
