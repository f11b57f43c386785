export { ChatView } from './ChatView';
export { ChatEmpty } from './ChatEmpty';
export { systemText } from './system';
