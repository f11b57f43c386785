export { MessageService, type SendInput } from './service';
