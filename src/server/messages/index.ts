export { MessageService, type SendInput } from './service';
export { messageHandlers } from './handlers';
