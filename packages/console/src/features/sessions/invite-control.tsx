import {
  sessionInvitationEndpoints,
  type CreateInvitationResponse,
  type SessionInvitation,
} from '@tether/protocol';
import { useState, type SyntheticEvent } from 'react';
import { Checkbox } from '../../components/checkbox.js';
import { CopyButton } from '../../components/copy-button.js';
import { Notice } from '../../components/notice.js';
import { useAction } from '../../hooks/use-action.js';
import { useLoad } from '../../hooks/use-load.js';
import { useNow } from '../../hooks/use-now.js';
import type { RemoteSessionOptions } from './use-remote-session.js';

type InviteeType = 'user' | 'external';

function Result({ result }: { result: CreateInvitationResponse }) {
  const { invitation, link } = result;
  if (invitation.invitee.type === 'user')
    return (
      <Notice kind="success">
        <span data-testid="invite-result">
          Invited {invitation.invitee.username}
          {invitation.control ? ' with control' : ' to watch'}: the invitation is in their console
          until {new Date(invitation.expiresAt).toLocaleTimeString()}.
        </span>
      </Notice>
    );
  return (
    <Notice kind="success">
      <span data-testid="invite-result">
        One-time link for {invitation.invitee.name} (works once, until{' '}
        {new Date(invitation.expiresAt).toLocaleTimeString()}; shown only now):{' '}
        <code data-testid="invite-link">{link}</code>
      </span>{' '}
      {link && <CopyButton text={link} />}
    </Notice>
  );
}

function inviteeName(invitation: SessionInvitation): string {
  return invitation.invitee.type === 'user' ? invitation.invitee.username : invitation.invitee.name;
}

/** Who was invited into the session and where each stands (every 5 s), with Withdraw. */
function Invited({ sessionId, generation }: { sessionId: string; generation: number }) {
  const now = useNow(5000);
  const [list, reload] = useLoad(
    (api) => api.call(sessionInvitationEndpoints.ofSession, { params: { id: sessionId } }),
    [sessionId, generation, now],
  );
  const withdraw = useAction(
    (api, id: string) => api.call(sessionInvitationEndpoints.revoke, { params: { id } }),
    { onDone: reload },
  );
  if (list.state !== 'ready' || list.value.invitations.length === 0) return null;
  return (
    <ul className="invite-list" data-testid="invited">
      {list.value.invitations.map((invitation) => (
        <li key={invitation.id} data-testid="invited-row" data-state={invitation.state}>
          {inviteeName(invitation)} ({invitation.control ? 'control' : 'view only'}):{' '}
          {invitation.state}
          {(invitation.state === 'pending' || invitation.state === 'joined') && (
            <>
              {' '}
              <button
                type="button"
                className="button-link"
                onClick={() => withdraw.run(invitation.id)}
                disabled={withdraw.isRunning}
                data-testid="invited-withdraw"
              >
                {invitation.state === 'joined' ? 'Remove' : 'Withdraw'}
              </button>
            </>
          )}
        </li>
      ))}
      {withdraw.error && <li className="notice-error">{withdraw.error}</li>}
    </ul>
  );
}

/** How an invited guest joins a running session's page instead of opening a session. */
export interface GuestJoin {
  join: NonNullable<RemoteSessionOptions<unknown>['join']>;
  /** The invitation gives no control: the page only shows. */
  viewOnly: boolean;
}

/**
 * "Invite" on a running session's bar: another console user (they see the invitation in
 * their console) or an external guest (a one-time link), to watch or with control. The user at
 * the device is told who joins.
 *
 * @example
 * <InviteControl sessionId={session.sessionId} />
 */
export function InviteControl({ sessionId }: { sessionId: string }) {
  const [isOpen, setOpen] = useState(false);
  const [type, setType] = useState<InviteeType>('user');
  const [name, setName] = useState('');
  const [hasControl, setControl] = useState(false);
  const [result, setResult] = useState<CreateInvitationResponse | null>(null);
  const [generation, setGeneration] = useState(0);
  const invite = useAction(
    (api) =>
      api.call(sessionInvitationEndpoints.create, {
        params: { id: sessionId },
        body: {
          invitee:
            type === 'user'
              ? { type: 'user', username: name.trim() }
              : { type: 'external', name: name.trim() },
          control: hasControl,
        },
      }),
    {
      onDone: (created) => {
        setResult(created);
        setGeneration((value) => value + 1);
      },
    },
  );
  const submit = (event: SyntheticEvent) => {
    event.preventDefault();
    setResult(null);
    invite.run();
  };

  if (!isOpen)
    return (
      <button
        type="button"
        className="button button-small"
        onClick={() => setOpen(true)}
        data-testid="invite-open"
      >
        Invite…
      </button>
    );
  return (
    <form className="invite-form" onSubmit={submit} data-testid="invite-form">
      <select
        value={type}
        onChange={(event) => setType(event.target.value === 'external' ? 'external' : 'user')}
        data-testid="invite-type"
        aria-label="Who"
      >
        <option value="user">A console user</option>
        <option value="external">Someone without an account (one-time link)</option>
      </select>
      <input
        value={name}
        onChange={(event) => setName(event.target.value)}
        placeholder={type === 'user' ? 'Username' : 'Their name'}
        aria-label={type === 'user' ? 'Username' : 'Their name'}
        required
        maxLength={64}
        data-testid="invite-name"
      />
      <Checkbox checked={hasControl} onChange={setControl} testId="invite-control">
        With control (type, point, change files)
      </Checkbox>
      <button
        type="submit"
        className="button button-small button-primary"
        disabled={invite.isRunning}
        data-testid="invite-submit"
      >
        {invite.isRunning ? 'Inviting…' : 'Invite'}
      </button>
      <button type="button" className="button button-small" onClick={() => setOpen(false)}>
        Close
      </button>
      {invite.error && (
        <Notice kind="error" onDismiss={invite.clearError}>
          <span data-testid="invite-error">{invite.error}</span>
        </Notice>
      )}
      {result && <Result result={result} />}
      <Invited sessionId={sessionId} generation={generation} />
    </form>
  );
}
