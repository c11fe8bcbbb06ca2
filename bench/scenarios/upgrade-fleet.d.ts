import type { TestServer } from '../../test/support/test-server.js';
export interface UpgradeFleetOptions {
    agents: number;
    /** Size of the synthetic build's one file (random: gzip keeps it as large). */
    buildBytes: number;
    bandwidthBytesPerSec: number;
    maxConcurrent: number;
}
export interface UpgradeFleetResult extends UpgradeFleetOptions {
    bodyBytes: number;
    finishedMs: number;
    /** All bodies at the bandwidth limit. */
    idealMs: number;
    ratio: number;
    maxRunning: number;
    /** Highest bytes per second over any whole second. */
    maxBytesPerSec: number;
    failed: number;
    /** One sample a second: upgrades running, MiB sent in that second. */
    series: {
        second: number;
        running: number;
        mib: number;
    }[];
}
/** Runs the fleet's upgrade on a test server; every simulated agent is gone at the end. */
export declare function measureUpgradeFleet(server: TestServer, options: UpgradeFleetOptions): Promise<UpgradeFleetResult>;
