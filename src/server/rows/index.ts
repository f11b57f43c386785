export { MESSAGE_SELECT, toMessage, type MessageRow } from './message-row';
