// The agent package's entry point (`tether-agent`): the agent's commands only, no server code.
import { agentMain } from './agent-program.js';

process.exitCode = await agentMain(process.argv.slice(2), process.env);
