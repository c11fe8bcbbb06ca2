import { createServer, connect, type Socket } from 'node:net';

/** A loopback TCP forwarder that can cut its connections mid-transfer (chaos tests). */
export interface TcpCutter {
  readonly port: number;
  /**
   * Arms a cut: the first connection whose client has sent more than `bytes` in total has
   * both of its sockets destroyed. Resolves when the cut happened.
   */
  cutAfter(bytes: number): Promise<void>;
  /**
   * Arms a stall: the first connection whose client has sent more than `bytes` stops being
   * forwarded (both sockets stay open) until `release()`. Resolves when it stalls.
   */
  holdAfter(bytes: number): Promise<void>;
  /** Forwards held connections again (what piled up is sent on). */
  release(): void;
  close(): Promise<void>;
}

/**
 * @example
 * const cutter = await startTcpCutter(sftp.port);
 * const cut = cutter.cutAfter(64 * 1024); // the upload through cutter.port dies after 64 KiB
 */
export async function startTcpCutter(targetPort: number): Promise<TcpCutter> {
  const sockets = new Set<Socket>();
  let armed: { bytes: number; resolve: () => void; hold: boolean } | undefined;
  const held: (() => void)[] = [];
  const server = createServer((client) => {
    const upstream = connect(targetPort, '127.0.0.1');
    sockets.add(client);
    sockets.add(upstream);
    let sent = 0;
    let pending: Buffer[] | undefined;
    const end = (): void => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('data', (chunk: Buffer) => {
      sent += chunk.length;
      if (pending) {
        pending.push(chunk);
        return;
      }
      if (armed && sent > armed.bytes) {
        const { resolve, hold } = armed;
        armed = undefined;
        if (hold) {
          pending = [chunk];
          held.push(() => {
            for (const piece of pending ?? []) upstream.write(piece);
            pending = undefined;
          });
        } else {
          end();
        }
        resolve();
        return;
      }
      upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => client.write(chunk));
    client.on('close', end);
    upstream.on('close', end);
    client.on('error', end);
    upstream.on('error', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (typeof address !== 'object' || !address) throw new Error('cutter has no port');
  return {
    port: address.port,
    cutAfter: (bytes) =>
      new Promise<void>((resolve) => {
        armed = { bytes, resolve, hold: false };
      }),
    holdAfter: (bytes) =>
      new Promise<void>((resolve) => {
        armed = { bytes, resolve, hold: true };
      }),
    release: () => {
      for (const resume of held.splice(0)) resume();
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
