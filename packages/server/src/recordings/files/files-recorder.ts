import { decodeFileFrame, FileFrameType, FileReply, type AuditAction } from '@tether/protocol';
import type { RelayTap } from '../../relay/index.js';
import type { FilesTimelineWriter } from './files-timeline-writer.js';

/** Where the recorder reports audit events (the session fills in actor and device). */
export type FileAuditSink = (action: AuditAction, details: Record<string, unknown>) => void;

/** A transfer seen starting and not yet over. */
interface OpenTransfer {
  op: 'upload' | 'download';
  path: string;
  /** Bytes of the file that went through so far (from the start offset). */
  offset: number;
}

/** The tap of a files session, with what to do when the session ends. */
export interface FilesRecorder {
  tap: RelayTap;
  /** Records transfers cut by the end of the session as interrupted. */
  finish(): void;
}

const auditActions = { upload: 'file.uploaded', download: 'file.downloaded' } as const;

/**
 * The relay tap of a files session: reads the agent's replies (and counts DATA bytes both ways)
 * to write the session's timeline and audit every completed or failed transfer and every path
 * refused as outside the roots. File content is never copied: only frame headers are read.
 *
 * @example
 * const recorder = createFilesRecorder({ writer, audit: (action, details) => auditLog.record(…) });
 * pairPeers({ sessionId, console, agent, tap: recorder.tap, onEnd });
 */
export function createFilesRecorder(deps: {
  writer: FilesTimelineWriter;
  audit: FileAuditSink;
}): FilesRecorder {
  const { writer, audit } = deps;
  const transfers = new Map<number, OpenTransfer>();
  const countData = (data: Uint8Array): void => {
    const frame = decodeFileFrame(data);
    if (frame?.type !== 'data') return;
    const transfer = transfers.get(frame.id);
    if (transfer) transfer.offset = Math.max(transfer.offset, frame.offset + frame.data.length);
  };
  const onReply = (reply: FileReply): void => {
    switch (reply.type) {
      case 'ready':
        transfers.set(reply.id, { op: reply.op, path: reply.path, offset: reply.offset });
        writer.append({
          op: reply.op,
          path: reply.path,
          outcome: 'started',
          offset: reply.offset,
          size: reply.size,
          ...(reply.archive ? { archive: reply.archive } : {}),
        });
        return;
      case 'done': {
        transfers.delete(reply.id);
        const details = {
          path: reply.path,
          size: reply.size,
          sha256: reply.sha256,
          ...(reply.archive ? { archive: reply.archive, skipped: reply.skipped ?? 0 } : {}),
        };
        writer.append({ op: reply.op, outcome: 'done', ...details });
        audit(auditActions[reply.op], details);
        return;
      }
      case 'ok':
        writer.append({
          op: reply.op,
          path: reply.path,
          ...(reply.to ? { to: reply.to } : {}),
          outcome: 'ok',
        });
        return;
      case 'error': {
        const transfer = transfers.get(reply.id);
        transfers.delete(reply.id);
        const path = reply.path ?? transfer?.path;
        const base = { op: reply.op, ...(path ? { path } : {}), message: reply.message };
        if (reply.code === 'refused') {
          writer.append({ ...base, outcome: 'refused' });
          audit('file.refused', base);
        } else if (reply.op === 'upload' || reply.op === 'download') {
          const outcome: 'cancelled' | 'failed' =
            reply.code === 'cancelled' ? 'cancelled' : 'failed';
          const details = { ...base, outcome, ...(transfer ? { size: transfer.offset } : {}) };
          writer.append(details);
          audit('file.transfer_failed', details);
        }
        return;
      }
      case 'roots':
      case 'listing':
      case 'entry':
      case 'ack':
        return;
    }
  };
  return {
    tap: {
      backpressure: writer,
      fromAgent(data) {
        if (data[0] !== FileFrameType.message) return countData(data);
        const frame = decodeFileFrame(data);
        if (frame?.type !== 'message') return;
        const parsed = FileReply.safeParse(frame.message);
        if (parsed.success) onReply(parsed.data);
      },
      fromConsole: countData,
    },
    finish() {
      for (const transfer of transfers.values()) {
        const details = {
          op: transfer.op,
          path: transfer.path,
          outcome: 'interrupted' as const,
          size: transfer.offset,
        };
        writer.append(details);
        audit('file.transfer_failed', {
          ...details,
          message: 'The session ended during the transfer; it can be resumed.',
        });
      }
      transfers.clear();
    },
  };
}
