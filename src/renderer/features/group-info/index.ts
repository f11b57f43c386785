export { GroupInfoPanel } from './GroupInfoPanel';
