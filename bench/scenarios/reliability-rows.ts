import { crashRecordingsRows, type CrashRecordingsResult } from './crash-recordings.js';
import { databaseOutageRows, type DatabaseOutageResult } from './database-outage.js';
import { slowReaderRows, type SlowReaderResult } from './slow-reader.js';
import { soakRows, type SoakResult } from './soak.js';
import { admissionStormRows, type AdmissionStormResult } from './admission-storm.js';
import type { ClusterFailoverResult } from './cluster-failover.js';
import { clusterFailoverRows } from './cluster-failover-rows.js';

/** What the reliability scenarios (i–l) add to the report's results. */
export interface ReliabilityResults {
  crashRecordings?: CrashRecordingsResult;
  databaseOutage?: DatabaseOutageResult;
  slowReader?: SlowReaderResult;
  soak?: SoakResult;
  admissionStorm?: AdmissionStormResult;
  clusterFailover?: ClusterFailoverResult;
}

type Row = [scenario: string, metric: string, measured: string, target: string, verdict: string];

/** The table rows of the reliability scenarios that ran. */
export function reliabilityRows(results: ReliabilityResults): Row[] {
  return [
    ...(results.crashRecordings ? crashRecordingsRows(results.crashRecordings) : []),
    ...(results.databaseOutage ? databaseOutageRows(results.databaseOutage) : []),
    ...(results.soak ? soakRows(results.soak) : []),
    ...(results.slowReader ? slowReaderRows(results.slowReader) : []),
    ...(results.admissionStorm ? admissionStormRows(results.admissionStorm) : []),
    ...(results.clusterFailover ? clusterFailoverRows(results.clusterFailover) : []),
  ];
}
