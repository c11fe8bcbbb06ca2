export { createFilesRecorder, type FileAuditSink, type FilesRecorder } from './files-recorder.js';
export { openFilesTimelineWriter, type FilesTimelineWriter } from './files-timeline-writer.js';
export { readFilesTimeline, type FilesTimelineContent } from './files-timeline-reader.js';
export { FilesTimelineEvent, FilesTimelineHeader } from './files-timeline.js';
export { filesRecorderFactory } from './files-recorder-factory.js';
