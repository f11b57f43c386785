export { GroupList } from './GroupList';
export { CreateGroupDialog } from './CreateGroupDialog';
export { DecisionNotice, RemovalNotice, useGroupRemovalWatcher } from './removal';
