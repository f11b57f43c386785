export { JoinRequestsRail } from './JoinRequestsRail';
