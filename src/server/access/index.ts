export { authorize } from './authorize';
export { actorRef, headsDepartment, loadActor, type Actor } from './actor';
