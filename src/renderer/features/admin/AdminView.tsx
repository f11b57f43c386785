/** Admin pages: org chart, members, import, audit log. Built by the admin feature. */
export function AdminView() {
  return <div className="pane-placeholder" data-testid="admin-view" />;
}
