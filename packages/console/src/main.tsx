import '@xterm/xterm/css/xterm.css';
import './styles.css';
import { createTetherClient } from '@tether/sdk';
import { createRoot } from 'react-dom/client';
import { App } from './app/app.js';
import { OemSessionPage, takeOemSessionTicket } from './features/oem/oem-session-page.js';
import { isAdminPath } from './features/admin/admin-path.js';
import { JoinLinkPage, takeInvitationLinkToken } from './features/sessions/join-invitation.js';
import { isSupportPath, SupportPortalPage } from './features/support/support-portal-page.js';

const element = document.getElementById('root');
if (element === null) throw new Error('index.html has no #root element.');

// No <StrictMode>: its double-mounted effects would open two remote sessions in development.
// A management product's one-time URL lands here with its relay ticket (integration API).
const oemSession = takeOemSessionTicket(window.location);
if (oemSession) window.history.replaceState(null, '', window.location.pathname);
// An external guest's one-time invitation link: the session alone, no sign-in.
const invitationToken = takeInvitationLinkToken(window.location);
if (invitationToken) window.history.replaceState(null, '', '/join');
createRoot(element).render(
  oemSession ? (
    <OemSessionPage {...oemSession} />
  ) : invitationToken ? (
    <JoinLinkPage api={createTetherClient()} token={invitationToken} />
  ) : isSupportPath(window.location.pathname) ? (
    // The support portal: for the user at a machine, no sign-in.
    <SupportPortalPage api={createTetherClient()} />
  ) : (
    // The admin listener serves the app at `/conf` only: the path is its admin mode.
    <App api={createTetherClient()} isAdminConsole={isAdminPath(window.location.pathname)} />
  ),
);
