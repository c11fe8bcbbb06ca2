import '@xterm/xterm/css/xterm.css';
import './styles.css';
import { createTetherClient } from '@tether/sdk';
import { createRoot } from 'react-dom/client';
import { App } from './app/app.js';
import { OemSessionPage, takeOemSessionTicket } from './features/oem/oem-session-page.js';
import { isAdminPath } from './features/admin/admin-path.js';

const element = document.getElementById('root');
if (element === null) throw new Error('index.html has no #root element.');

// No <StrictMode>: its double-mounted effects would open two remote sessions in development.
// A management product's one-time URL lands here with its relay ticket (integration API).
const oemSession = takeOemSessionTicket(window.location);
if (oemSession) window.history.replaceState(null, '', window.location.pathname);
createRoot(element).render(
  oemSession ? (
    <OemSessionPage {...oemSession} />
  ) : (
    // The admin listener serves the app at `/conf` only: the path is its admin mode.
    <App api={createTetherClient()} isAdminConsole={isAdminPath(window.location.pathname)} />
  ),
);
