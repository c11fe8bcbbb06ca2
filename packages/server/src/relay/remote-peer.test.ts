import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MemoryBusHub } from '../cluster/cluster.js';
import { busLink } from './bus-link.js';
import { pairPeers } from './pair-peers.js';
import { BRIDGE_WINDOW_BYTES, RemotePeer, type LinkControl, type NodeLink } from './remote-peer.js';

/** Two links wired to each other in memory, delivering in order a microtask later. */
function linkedPair(): { edge: NodeLink; relay: NodeLink; breakBoth(): void } {
  const make = () => ({
    data: (_data: Uint8Array): void => undefined,
    control: (_control: LinkControl): void => undefined,
    broken: (): void => undefined,
    isEnded: false,
  });
  const sides = [make(), make()] as const;
  const link = (own: (typeof sides)[number], other: (typeof sides)[number]): NodeLink => ({
    sendData: (data) => queueMicrotask(() => other.isEnded || other.data(data)),
    sendControl: (control) => queueMicrotask(() => other.isEnded || other.control(control)),
    onData: (listener) => void (own.data = listener),
    onControl: (listener) => void (own.control = listener),
    onBroken: (listener) => void (own.broken = listener),
    end: () => void (own.isEnded = true),
  });
  return {
    edge: link(sides[0], sides[1]),
    relay: link(sides[1], sides[0]),
    breakBoth: () => sides.forEach((side) => side.broken()),
  };
}

const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
const broken = { code: 4009, reason: 'The other node is gone.' };

describe('RemotePeer credit', () => {
  it('stops the sender at the window until the receiver hands the bytes on', async () => {
    const { edge, relay } = linkedPair();
    const sender = new RemotePeer(edge, broken);
    const receiver = new RemotePeer(relay, broken);
    const received: number[] = [];
    receiver.onMessage((data) => received.push(data.byteLength));
    receiver.pause(); // its destination is slow: it grants nothing back
    const frame = new Uint8Array(256 * 1024);
    const withinWindow = BRIDGE_WINDOW_BYTES / frame.byteLength;
    let written = 0;
    for (let index = 0; index <= withinWindow; index++) sender.send(frame, () => (written += 1));
    await settle();
    assert.equal(received.length, withinWindow + 1, 'frames in flight are delivered');
    assert.ok(sender.credit < 0, `out of credit (${sender.credit})`);
    assert.equal(written, withinWindow, 'the frame past the window waits for credit');
    receiver.resume();
    await settle();
    assert.equal(written, withinWindow + 1);
    assert.equal(sender.credit, BRIDGE_WINDOW_BYTES);
  });

  it('makes pairPeers stop reading the local socket when out of credit', async () => {
    const { edge, relay } = linkedPair();
    const remote = new RemotePeer(edge, broken);
    const far = new RemotePeer(relay, broken);
    far.onMessage(() => undefined);
    far.pause();
    let isLocalPaused = false;
    let emit = (_data: Uint8Array): void => undefined;
    const local = {
      send: () => undefined,
      pause: () => void (isLocalPaused = true),
      resume: () => void (isLocalPaused = false),
      close: () => undefined,
      onMessage: (listener: (data: Uint8Array) => void) => void (emit = listener),
      onClose: () => undefined,
    };
    pairPeers({
      sessionId: 's',
      console: local,
      agent: remote,
      keepCloses: true,
      onEnd: () => undefined,
    });
    // The window, then more than the lane's high-water mark (1 MiB) past it.
    for (let index = 0; index < BRIDGE_WINDOW_BYTES / 2 ** 18 + 5; index++)
      emit(new Uint8Array(256 * 1024));
    assert.equal(isLocalPaused, true, 'the local socket is no longer read');
    await settle();
    far.resume();
    await settle();
    assert.equal(isLocalPaused, false, 'credit came back: reading again');
  });

  it('passes a close on with its code and reason, and a broken link as the given reason', async () => {
    const { edge, relay } = linkedPair();
    const a = new RemotePeer(edge, broken);
    const b = new RemotePeer(relay, broken);
    const closes: unknown[] = [];
    b.onClose((code, reason) => closes.push({ code, reason }));
    a.close(1006, '');
    await settle();
    assert.deepEqual(closes, [{ code: 1006, reason: '' }]);

    const second = linkedPair();
    const c = new RemotePeer(second.edge, broken);
    const cut: unknown[] = [];
    c.onClose((code, reason) => cut.push({ code, reason }));
    second.breakBoth();
    assert.deepEqual(cut, [broken]);
  });
});

describe('bus link', () => {
  it('carries frames both ways and the close, over the cluster bus', async () => {
    const hub = new MemoryBusHub();
    const isAlive = (): Promise<boolean> => Promise.resolve(true);
    const linkId = '3f1c2b9a-0000-4000-8000-000000000001';
    const edge = new RemotePeer(busLink({ bus: hub.bus(), linkId, side: 'edge', isAlive }), broken);
    const relay = new RemotePeer(
      busLink({ bus: hub.bus(), linkId, side: 'relay', isAlive }),
      broken,
    );
    const atRelay: string[] = [];
    const atEdge: string[] = [];
    relay.onMessage((data) => atRelay.push(Buffer.from(data).toString()));
    edge.onMessage((data) => atEdge.push(Buffer.from(data).toString()));
    edge.send(Buffer.from('keystroke'), () => undefined);
    relay.send(Buffer.from('output'), () => undefined);
    const closed = new Promise((resolve) =>
      edge.onClose((code, reason) => resolve({ code, reason })),
    );
    await settle();
    relay.close(1000, 'The technician left the session.');
    assert.deepEqual([atRelay, atEdge], [['keystroke'], ['output']]);
    assert.deepEqual(await closed, { code: 1000, reason: 'The technician left the session.' });
  });

  it('is broken when the other node’s lease runs out', async () => {
    const hub = new MemoryBusHub();
    const linkId = '3f1c2b9a-0000-4000-8000-000000000002';
    const link = busLink({
      bus: hub.bus(),
      linkId,
      side: 'edge',
      isAlive: () => Promise.resolve(false),
      watchMs: 10,
    });
    const peer = new RemotePeer(link, broken);
    // The watch does not hold the process open (unref): this test does, until the close.
    const holdOpen = setTimeout(() => undefined, 10_000);
    const closed = await new Promise((resolve) =>
      peer.onClose((code, reason) => resolve({ code, reason })),
    );
    clearTimeout(holdOpen);
    assert.deepEqual(closed, broken);
  });
});
