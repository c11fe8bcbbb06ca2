import { z } from 'zod';
import type { ClusterBus } from '../cluster/cluster.js';
import { subjects } from '../cluster/subjects.js';
import { LinkControl, type NodeLink } from './remote-peer.js';

/** One message of a bus link: a frame (base64, the bus carries JSON) or a control. */
const BusLinkMessage = z.union([
  z.object({ type: z.literal('data'), data: z.string() }),
  LinkControl,
]);

/**
 * A {@link NodeLink} over the cluster bus (NATS): each side publishes to the other's subject.
 * The bus says nothing when a node dies, so each side watches the other's lease (`isAlive`,
 * every `watchMs`) and reports the link broken when it ran out.
 */
export function busLink(options: {
  bus: ClusterBus;
  linkId: string;
  side: 'relay' | 'edge';
  isAlive: () => Promise<boolean>;
  watchMs?: number;
}): NodeLink {
  const { bus, linkId, side } = options;
  const peerSubject = subjects.relayLink(linkId, side === 'relay' ? 'edge' : 'relay');
  let onData = (_data: Uint8Array): void => undefined;
  let onControl = (_control: LinkControl): void => undefined;
  let onBroken = (): void => undefined;
  let isEnded = false;
  const unsubscribe = bus.subscribe(subjects.relayLink(linkId, side), (message) => {
    const parsed = BusLinkMessage.safeParse(message);
    if (!parsed.success || isEnded) return;
    if (parsed.data.type === 'data') onData(Buffer.from(parsed.data.data, 'base64'));
    else onControl(parsed.data);
  });
  const watch = setInterval(() => {
    options.isAlive().then(
      (isAlive) => {
        if (!isAlive && !isEnded) onBroken();
      },
      () => undefined,
    );
  }, options.watchMs ?? 2000);
  watch.unref();
  return {
    sendData: (data) =>
      bus.publish(peerSubject, { type: 'data', data: Buffer.from(data).toString('base64') }),
    sendControl: (control) => bus.publish(peerSubject, control),
    onData: (listener) => void (onData = listener),
    onControl: (listener) => void (onControl = listener),
    onBroken: (listener) => void (onBroken = listener),
    end() {
      if (isEnded) return;
      isEnded = true;
      clearInterval(watch);
      unsubscribe();
    },
  };
}
