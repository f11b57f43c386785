export { GroupService, notMember } from './service';
export { groupHandlers } from './handlers';
