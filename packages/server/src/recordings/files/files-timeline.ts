// The format is shared with the console's viewer, so it is defined in the protocol package.
export { FilesTimelineEvent, FilesTimelineHeader } from '@tether/protocol';
