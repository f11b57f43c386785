export { GroupService, notMember } from './service';
export { GroupManager, externalGroupName } from './manage';
export { groupHandlers, groupManagementHandlers } from './handlers';
