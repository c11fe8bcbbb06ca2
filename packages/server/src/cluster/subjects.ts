/**
 * Every subject of the cluster bus, in one place so the nodes agree. Per-device and
 * per-node subjects are built by the functions below; never spell a subject elsewhere.
 */
export const subjects = {
  /** A ServerMessage for the agent of `deviceId`: the node holding it forwards it. */
  deviceSend: (deviceId: string): string => `tether.device.${deviceId}.send`,
  /** Close the agent of `deviceId` (`{ code, reason }`), on whichever node holds it. */
  deviceClose: (deviceId: string): string => `tether.device.${deviceId}.close`,
  /**
   * Every device's `deviceSend` and `deviceClose`: a node subscribes to these once, not twice
   * per agent it holds (a reconnect storm of thousands of agents was as many subscriptions to
   * make and end), and acts on the messages for the agents it holds.
   */
  anyDeviceSend: 'tether.device.*.send',
  anyDeviceClose: 'tether.device.*.close',
  /** The device a `deviceSend` or `deviceClose` subject is for. */
  deviceOf: (subject: string): string => subject.split('.')[2] ?? '',
  /** DeviceEvent fan-out between nodes; each message carries `origin` (the sending node). */
  events: 'tether.events',
  /** Agent answers (consent, refusals, unattended, integration API, wake) for the node waiting. */
  agentReply: 'tether.agent-reply',
  /** A manual agent upgrade asked on one node (`{ origin, request, version }`), for every node. */
  upgradeRequested: 'tether.upgrade-requested',
  /** A user signed in from a source (`{ origin, username, source, at }`): known on every node. */
  signInSource: 'tether.sign-in-source',
  /** A settings push (an audience) for every node to apply to its own agents. */
  settingsPush: 'tether.settings-push',
  /**
   * A node's whole list of agents (`{ origin, agents }`), sent when its bus comes back after an
   * outage: the others replace what they knew of that node's agents with it.
   */
  nodeAgentsAnnounced: 'tether.node-agents',
  /** Request: the agents a node holds, with what the others need to know of them. */
  nodeAgents: (nodeId: string): string => `tether.node.${nodeId}.agents`,
  /** Request: a node's agent upgrades and their progress (the console shows every node's). */
  nodeUpgrades: (nodeId: string): string => `tether.node.${nodeId}.upgrades`,
  /** Request: one device's upgrade on a node (`{ deviceId }`), if that node runs or ran it. */
  nodeDeviceUpgrade: (nodeId: string): string => `tether.node.${nodeId}.device-upgrade`,
  /** Request: "are you there over the bus?" (the node list's round trip). */
  nodePing: (nodeId: string): string => `tether.node.${nodeId}.ping`,
  /** Request: the relay node takes a bus link to one of its sessions (a bridged relay end). */
  relayOpen: (nodeId: string): string => `tether.node.${nodeId}.relay-open`,
  /** One side of a bus link carrying a bridged relay end (frames and controls). */
  relayLink: (linkId: string, side: 'relay' | 'edge'): string => `tether.relay.${linkId}.${side}`,
} as const;
