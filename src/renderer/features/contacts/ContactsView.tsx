/** Contacts: the org chart and "my groups". Built by the contacts feature. */
export function ContactsView() {
  return <div className="pane-placeholder" data-testid="contacts-view" />;
}
