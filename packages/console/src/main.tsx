import '@xterm/xterm/css/xterm.css';
import './styles.css';
import { createTetherClient } from '@tether/sdk';
import { createRoot } from 'react-dom/client';
import { App } from './app/app.js';

const element = document.getElementById('root');
if (element === null) throw new Error('index.html has no #root element.');

// No <StrictMode>: its double-mounted effects would open two remote sessions in development.
createRoot(element).render(<App api={createTetherClient()} />);
