import type { SignIn } from '@tether/protocol';
import type { TetherClient } from '@tether/sdk';
import { useCallback, useState } from 'react';
import { Loaded } from '../../components/loaded.js';
import { Notice } from '../../components/notice.js';
import { formatDateTime } from '../../format/format.js';
import { useAction } from '../../hooks/use-action.js';
import { useLoad } from '../../hooks/use-load.js';

/** Whose sign-ins a list shows: the calls that list and end them. */
export interface SignInCalls {
  list: (api: TetherClient) => Promise<SignIn[]>;
  end: (api: TetherClient, signInId: string) => Promise<void>;
  /** Ends every sign-in but this browser's; resolves to how many ended. */
  endAll: (api: TetherClient) => Promise<number>;
}

/**
 * Where a user is signed in (their own on My account, any user's for an administrator): one
 * line per sign-in, each with "Sign out", and "Sign out everywhere else". This browser's
 * sign-in is marked and keeps no button (the usual sign-out ends it).
 *
 * @example
 * <SignInList calls={{ list: (api) => api.listMySignIns(), end: …, endAll: … }} />
 */
export function SignInList({
  calls,
  subject,
  endAllLabel = 'Sign out everywhere else',
}: {
  calls: SignInCalls;
  /** Who the list is of, to start a sentence: "You are", "jo is". */
  subject: string;
  endAllLabel?: string;
}) {
  const [signIns, reload] = useLoad(calls.list, [calls]);
  const [ended, setEnded] = useState<string | null>(null);
  const onEnded = useCallback(() => reload(), [reload]);
  const end = useAction(calls.end, { onDone: onEnded });
  const endAll = useAction(calls.endAll, {
    onDone: (count: number) => {
      setEnded(count === 1 ? '1 sign-in ended.' : `${count} sign-ins ended.`);
      reload();
    },
  });
  const error = end.error ?? endAll.error;
  return (
    <Loaded load={signIns} onRetry={reload}>
      {(list) => (
        <div data-testid="sign-in-list">
          {ended && (
            <Notice kind="info" onDismiss={() => setEnded(null)}>
              {ended}
            </Notice>
          )}
          {error && (
            <Notice kind="error" onDismiss={() => (end.clearError(), endAll.clearError())}>
              {error}
            </Notice>
          )}
          {list.length === 0 ? (
            <p className="muted">{subject} not signed in anywhere.</p>
          ) : (
            <div className="table-wrap">
              <table className="table">
                <thead>
                  <tr>
                    <th>Signed in</th>
                    <th>Last used</th>
                    <th>Expires</th>
                    <th>From</th>
                    <th aria-label="Actions" />
                  </tr>
                </thead>
                <tbody>
                  {list.map((signIn) => (
                    <tr key={signIn.id} data-testid="sign-in-row" data-current={signIn.isCurrent}>
                      <td>{formatDateTime(signIn.createdAt)}</td>
                      <td>{formatDateTime(signIn.lastUsedAt)}</td>
                      <td>{formatDateTime(signIn.expiresAt)}</td>
                      <td>{signIn.sourceAddress}</td>
                      <td className="align-end">
                        {signIn.isCurrent ? (
                          <span className="badge badge-active">This browser</span>
                        ) : (
                          <button
                            type="button"
                            className="button button-small"
                            disabled={end.isRunning}
                            onClick={() => end.run(signIn.id)}
                            data-testid="sign-in-end"
                          >
                            Sign out
                          </button>
                        )}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          <p>
            <button
              type="button"
              className="button button-small"
              disabled={endAll.isRunning || list.every((signIn) => signIn.isCurrent)}
              onClick={() => endAll.run()}
              data-testid="sign-in-end-all"
            >
              {endAllLabel}
            </button>
          </p>
        </div>
      )}
    </Loaded>
  );
}
