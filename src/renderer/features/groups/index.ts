export { GroupList } from './GroupList';
export { CreateGroupDialog } from './CreateGroupDialog';
export { RemovalNotice, useGroupRemovalWatcher } from './removal';
