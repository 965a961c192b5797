import { initialAuthState } from '../auth/auth.feature';
import { initialCallsState } from '../calls/calls.feature';
import { initialMediaState } from '../media/media.feature';
import { initialSessionState } from '../session/session.feature';

/** The whole store as a freshly started console has it, for MockStore. */
export const initialRootState = {
  auth: initialAuthState,
  session: initialSessionState,
  calls: initialCallsState,
  media: initialMediaState,
};
