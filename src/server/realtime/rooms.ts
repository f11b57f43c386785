/** Socket room names. A socket joins its member's, session's and org's rooms and one per group. */
export const rooms = {
  member: (id: string) => `member:${id}`,
  group: (id: string) => `group:${id}`,
  session: (id: string) => `session:${id}`,
  org: (id: string) => `org:${id}`,
};
