export { SharePanel, type ShareGroup } from './SharePanel';
