export {
  findMemberCredentials,
  findOrgBySlug,
  getMemberProfile,
  getOrg,
  normalizeAccount,
  type MemberCredentials,
} from './repository';
