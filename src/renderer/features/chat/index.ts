export { ChatView } from './ChatView';
export { ChatEmpty } from './ChatEmpty';
