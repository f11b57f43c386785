export { ContactsView } from './ContactsView';
