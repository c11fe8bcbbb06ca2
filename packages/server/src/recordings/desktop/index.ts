export { desktopRecorderFactory } from './desktop-recorder-factory.js';
export { openRfbRecordingWriter, type RfbRecordingWriter } from './rfb-recording-writer.js';
export { readRfbRecording, type RfbRecordingContent } from './rfb-recording-reader.js';
export { RfbRecordingEvent, RfbRecordingHeader } from './rfb-recording.js';
