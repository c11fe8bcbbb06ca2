import {
  sessionInvitationEndpoints,
  type JoinInvitationResponse,
  type SessionInvitation,
} from '@tether/protocol';
import type { TetherClient } from '@tether/sdk';
import { useEffect, useRef, useState, type ReactElement } from 'react';
import { DesktopPage } from '../desktop/desktop-page.js';
import { FilesPage } from '../files/files-page.js';
import { Notice } from '../../components/notice.js';
import { useConsole } from '../../api/console-context.js';
import { describeError } from '../../format/describe-error.js';
import { visibleText } from '../../format/visible-text.js';
import { useLoad } from '../../hooks/use-load.js';
import { Link } from '../../routing/link.js';
import { Loaded } from '../../components/loaded.js';
import { GuestTerminal } from './guest-terminal.js';

type Joining =
  | { state: 'joining' }
  | { state: 'joined'; joined: JoinInvitationResponse }
  | { state: 'failed'; message: string };

/** The page of a joined session of its kind; a terminal by default (an external guest's page). */
type RenderJoined = (joined: JoinInvitationResponse) => ReactElement;

const terminalOf: RenderJoined = (joined) => (
  <GuestTerminal invitation={joined.invitation} relay={joined.relay} />
);

/** A signed-in guest gets the kind's own page, joined with the ticket instead of opening a session. */
const pageOf: RenderJoined = (joined) => {
  const { invitation, relay } = joined;
  const guest = {
    join: () => Promise.resolve({ sessionId: invitation.sessionId, relay }),
    viewOnly: !invitation.control,
  };
  if (invitation.kind === 'desktop')
    return <DesktopPage deviceId={invitation.deviceId} guest={guest} />;
  if (invitation.kind === 'files')
    return <FilesPage deviceId={invitation.deviceId} guest={guest} />;
  return terminalOf(joined);
};

/** Accepts an invitation once (it works once) and shows the session, or why it cannot. */
function JoinedSession({
  join,
  render = terminalOf,
}: {
  join: () => Promise<JoinInvitationResponse>;
  render?: RenderJoined;
}) {
  const [joining, setJoining] = useState<Joining>({ state: 'joining' });
  const started = useRef(false);
  useEffect(() => {
    if (started.current) return;
    started.current = true;
    join().then(
      (joined) => setJoining({ state: 'joined', joined }),
      (error: unknown) => setJoining({ state: 'failed', message: describeError(error) }),
    );
  }, [join]);
  if (joining.state === 'joining') return <p className="muted">Joining the session…</p>;
  if (joining.state === 'failed')
    return (
      <Notice kind="error">
        <span data-testid="join-error">Cannot join the session: {joining.message}</span>
      </Notice>
    );
  return render(joining.joined);
}

/**
 * A signed-in user joins a session they were invited into (`/invitations/:invitationId`).
 *
 * @example
 * <InvitationPage invitationId={id} />
 */
export function InvitationPage({ invitationId }: { invitationId: string }) {
  const { api } = useConsole();
  const join = useRef(() =>
    api.call(sessionInvitationEndpoints.join, { params: { id: invitationId } }),
  );
  return <JoinedSession join={join.current} render={pageOf} />;
}

const LINK_PATH = /^\/join\/([A-Za-z0-9_-]{43})\/?$/;

/**
 * The token of an external guest's link (`/join/<token>`), or undefined for any other page. The
 * caller removes it from the address bar: the link works once, and history should not keep it.
 */
export function takeInvitationLinkToken(location: Pick<Location, 'pathname'>): string | undefined {
  return LINK_PATH.exec(location.pathname)?.[1];
}

/**
 * An external guest's page: no console around it, the session and nothing else.
 *
 * @example
 * <JoinLinkPage api={createTetherClient()} token={token} />
 */
export function JoinLinkPage({ api, token }: { api: TetherClient; token: string }) {
  const join = useRef(() => api.call(sessionInvitationEndpoints.joinExternal, { body: { token } }));
  return (
    <main className="guest-session">
      <JoinedSession join={join.current} />
    </main>
  );
}

function inviteeLabel(invitation: SessionInvitation): string {
  return `${invitation.kind} session of ${invitation.invitedBy} on ${visibleText(invitation.deviceName)}`;
}

/**
 * The invitations waiting for the signed-in user, each with Join; nothing when there are none
 * or when their role opens no sessions.
 *
 * @example
 * <InvitationsPanel />
 */
export function InvitationsPanel() {
  const { can } = useConsole();
  return can('sessions.open') ? <InvitationList /> : null;
}

function InvitationList() {
  const [list, reload] = useLoad(
    (api: TetherClient) => api.call(sessionInvitationEndpoints.list, {}),
    [],
  );
  if (list.state === 'ready' && list.value.invitations.length === 0) return null;
  return (
    <section className="card" data-testid="invitations">
      <h2>Invitations</h2>
      <Loaded load={list} onRetry={reload}>
        {(value) => (
          <ul className="plain-list">
            {value.invitations.map((invitation) => (
              <li key={invitation.id} data-testid="invitation">
                {invitation.invitedBy} invites you{' '}
                {invitation.control ? 'with control' : 'to watch'} into the{' '}
                {inviteeLabel(invitation)}.{' '}
                <Link
                  href={`/invitations/${encodeURIComponent(invitation.id)}`}
                  className="button button-small"
                >
                  Join
                </Link>
              </li>
            ))}
          </ul>
        )}
      </Loaded>
    </section>
  );
}
