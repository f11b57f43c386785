export { AdminView } from './AdminView';
