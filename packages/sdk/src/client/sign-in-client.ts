import { accountSessionEndpoints, userSessionEndpoints, type SignIn } from '@tether/protocol';
import { callEndpoint } from './call-endpoint.js';
import type { HttpTransport } from './http-request.js';

/**
 * Where a user is signed in (issue 12): their own sign-ins, and any user's for administrators.
 * Ending a sign-in stops its cookie at once and closes its event streams and session connections.
 */
export interface SignInClient {
  /** The signed-in user's sign-ins, newest first; `isCurrent` marks this client's. */
  listMySignIns(): Promise<SignIn[]>;
  /** Ends one of my sign-ins (`NOT_FOUND` when it has ended already). */
  endMySignIn(signInId: string): Promise<void>;
  /** Ends every sign-in of mine but this one; resolves to how many ended. */
  signOutEverywhereElse(): Promise<number>;
  /** A user's sign-ins (administrators). */
  listUserSignIns(userId: string): Promise<SignIn[]>;
  /** Ends one sign-in of a user (administrators). */
  endUserSignIn(userId: string, signInId: string): Promise<void>;
  /** Ends every sign-in of a user (but this one); resolves to how many ended. */
  signOutUserEverywhere(userId: string): Promise<number>;
}

/**
 * The sign-in calls over one transport; `createTetherClient` mixes them in.
 *
 * @example
 * const others = (await api.listMySignIns()).filter((signIn) => !signIn.isCurrent);
 * if (others.length > 0) await api.signOutEverywhereElse();
 */
export function createSignInClient(transport: HttpTransport): SignInClient {
  return {
    listMySignIns: async () =>
      (await callEndpoint(transport, accountSessionEndpoints.list, {})).sessions,
    endMySignIn: (signInId) =>
      callEndpoint(transport, accountSessionEndpoints.end, { params: { id: signInId } }),
    signOutEverywhereElse: async () =>
      (await callEndpoint(transport, accountSessionEndpoints.signOutEverywhere, {})).ended,
    listUserSignIns: async (userId) =>
      (await callEndpoint(transport, userSessionEndpoints.list, { params: { id: userId } }))
        .sessions,
    endUserSignIn: (userId, signInId) =>
      callEndpoint(transport, userSessionEndpoints.end, {
        params: { id: userId, sessionId: signInId },
      }),
    signOutUserEverywhere: async (userId) =>
      (
        await callEndpoint(transport, userSessionEndpoints.signOutEverywhere, {
          params: { id: userId },
        })
      ).ended,
  };
}
