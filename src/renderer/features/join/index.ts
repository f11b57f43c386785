/**
 * The join flow (issue 6): `startJoin(text, how)` opens it for a scanned, pasted or deep-linked
 * text (preview → join / request / confirm real name / a refusal in words); anything that is not
 * a Muster invite is shown safely as text. `JoinHost` (in the signed-in shell) wires it to the
 * session and renders its dialogs; `JoinMenu` is the "Join a group" entry in the groups header.
 */
import { browserStorage } from '../../lib/storage';
import { captureJoinFromAddress } from './address';

export { startJoin, type JoinHow } from './store';
export { JoinHost } from './JoinHost';
export { JoinMenu } from './JoinMenu';

// Browser mode: a `?join=<token>` in the address is taken out of it as soon as the app loads (so
// a reload does not open it again) and waits through sign-in. Runs once, when the app first
// imports this feature.
if (typeof window !== 'undefined') captureJoinFromAddress(window, browserStorage());
