import { TerminalFrameType, type SessionKind } from '@tether/protocol';
import type { RelayPeer } from '../relay/relay-peer.js';

/** A guest's end of a shared session: someone the technician invited. */
export interface GuestEnd {
  id: string;
  peer: RelayPeer;
  /** Whether the guest's input reaches the device; false: view only. */
  hasControl: boolean;
  /** Called once when the guest's end closed, whoever closed it. */
  onLeft(code: number, reason: string): void;
}

/** What a guest's input and the history a late joiner sees depend on, per session kind. */
interface KindRules {
  /** Whether one message of a guest with control may go to the device. */
  acceptsGuestInput(data: Uint8Array): boolean;
  /** Bytes of recent output replayed to a guest who joins (0: none). */
  historyBytes: number;
}

/**
 * Terminal: a guest with control types (DATA) but does not resize the technician's terminal. A
 * guest sees the last 16 KiB of output on joining, so their screen is not blank until the next
 * command (every terminal session keeps it, hence a few screens only). Other kinds carry their
 * own handshake per viewer and cannot be fanned out this way.
 */
const RULES: Partial<Record<SessionKind, KindRules>> = {
  terminal: {
    acceptsGuestInput: (data) => data[0] === TerminalFrameType.data,
    historyBytes: 16 * 1024,
  },
};

/** Whether guests of this kind share the technician's stream (others get a stream of their own). */
export function isFannedOut(kind: SessionKind): boolean {
  return RULES[kind] !== undefined;
}

/** A guest that lets this much output pile up unsent is too slow to follow and is dropped. */
const GUEST_BACKLOG_LIMIT = 4 * 1024 * 1024;

interface Guest extends GuestEnd {
  pending: number;
  isGone: boolean;
}

/**
 * The technician's end of a shared session, as the relay pair sees it: one {@link RelayPeer}
 * that is the technician's own end plus the guests. The device's output goes to everyone; the
 * technician's input goes to the device, a guest's only when they have control and the kind's
 * rules accept it. Flow control follows the technician's end: a guest too slow to keep up is
 * dropped rather than slow the session down or be buffered without bound. The session ends
 * with the technician's end; guests come and go.
 */
export class SharedConsole implements RelayPeer {
  private readonly guests = new Map<string, Guest>();
  private inputListener: ((data: Uint8Array) => void) | undefined;
  private history: Uint8Array[] = [];
  private historyBytes = 0;
  private isPaused = false;

  constructor(
    private readonly owner: RelayPeer,
    private readonly kind: SessionKind,
  ) {}

  get guestCount(): number {
    return this.guests.size;
  }

  send(data: Uint8Array, onWritten: (error?: Error) => void): void {
    this.owner.send(data, onWritten);
    this.remember(data);
    for (const guest of this.guests.values()) this.sendToGuest(guest, data);
  }

  pause(): void {
    this.isPaused = true;
    this.owner.pause();
    for (const guest of this.guests.values()) guest.peer.pause();
  }

  resume(): void {
    this.isPaused = false;
    this.owner.resume();
    for (const guest of this.guests.values()) guest.peer.resume();
  }

  close(code: number, reason: string): void {
    this.owner.close(code, reason);
    for (const guest of [...this.guests.values()]) guest.peer.close(code, reason);
  }

  onMessage(listener: (data: Uint8Array) => void): void {
    this.inputListener = listener;
    this.owner.onMessage(listener);
  }

  onClose(listener: (code: number, reason: string) => void): void {
    this.owner.onClose((code, reason) => {
      for (const guest of [...this.guests.values()])
        guest.peer.close(1000, 'The technician who invited you left: the session ended.');
      listener(code, reason);
    });
  }

  /** Adds a guest: they get the recent output, then everything the device sends. */
  addGuest(end: GuestEnd): void {
    const guest: Guest = { ...end, pending: 0, isGone: false };
    this.guests.set(guest.id, guest);
    const rules = RULES[this.kind];
    end.peer.onMessage((data) => {
      if (guest.isGone || !guest.hasControl || !rules?.acceptsGuestInput(data)) return;
      this.inputListener?.(data);
    });
    end.peer.onClose((code, reason) => {
      guest.isGone = true;
      this.guests.delete(guest.id);
      end.onLeft(code, reason);
    });
    if (this.isPaused) end.peer.pause();
    for (const data of this.history) this.sendToGuest(guest, data);
  }

  /** Closes one guest's end (invitation withdrawn); the session goes on. */
  removeGuest(id: string, code: number, reason: string): boolean {
    const guest = this.guests.get(id);
    guest?.peer.close(code, reason);
    return guest !== undefined;
  }

  private sendToGuest(guest: Guest, data: Uint8Array): void {
    if (guest.isGone) return;
    const length = data.byteLength;
    guest.pending += length;
    if (guest.pending > GUEST_BACKLOG_LIMIT) {
      guest.isGone = true;
      guest.peer.close(1008, 'Your connection could not keep up with the session.');
      return;
    }
    guest.peer.send(data, () => {
      guest.pending -= length;
    });
  }

  private remember(data: Uint8Array): void {
    const limit = RULES[this.kind]?.historyBytes ?? 0;
    if (limit === 0 || data.byteLength > limit) return;
    // The relay reuses no buffers it passed on, so keeping the reference is safe.
    this.history.push(data);
    this.historyBytes += data.byteLength;
    while (this.historyBytes > limit) {
      const dropped = this.history.shift();
      this.historyBytes -= dropped?.byteLength ?? 0;
    }
  }
}
