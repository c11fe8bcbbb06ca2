export {
  openAsciicastWriter,
  DEFAULT_FLUSH_INTERVAL_MS,
  type AsciicastWriter,
  type AsciicastWriterOptions,
  type RecordingSummary,
} from './asciicast-writer.js';
export { readAsciicast, type AsciicastContent } from './asciicast-reader.js';
export { createTerminalRecorder } from './terminal-recorder.js';
export {
  AsciicastEvent,
  AsciicastEventCode,
  AsciicastHeader,
  eventLine,
} from './asciicast-format.js';
export { ChainEntry, chainFileOf, chainHash, verifyChain, type ChainCheck } from './hash-chain.js';
