import { MessageBody } from '@shared/contract';
import { MESSAGE_MAX_CHARS } from '@shared/rules/limits';

/** Show the counter from this share of the limit on: it is noise for ordinary messages. */
export const COUNTER_FROM = Math.floor(MESSAGE_MAX_CHARS * 0.9);

export interface DraftState {
  length: number;
  /** Over MESSAGE_MAX_CHARS: the counter says by how much. */
  tooLong: boolean;
  showCounter: boolean;
  /** Whether the contract accepts it as a message body — the same rule the outbox and server apply. */
  canSend: boolean;
}

/** What the composer shows for a draft. Sendability comes from MessageBody, the rule's one home. */
export function draftState(draft: string): DraftState {
  const length = draft.length;
  return {
    length,
    tooLong: length > MESSAGE_MAX_CHARS,
    showCounter: length >= COUNTER_FROM,
    canSend: MessageBody.safeParse(draft).success,
  };
}
