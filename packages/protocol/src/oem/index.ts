export * from './master-secret-input.js';
export * from './connect-url.js';
export * from './rollout-data.js';
export * from './rollout-ipc.js';
export * from './agent-oem-files.js';
export * from './compatibility.js';
