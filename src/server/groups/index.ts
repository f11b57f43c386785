export { GroupService, notMember } from './service';
