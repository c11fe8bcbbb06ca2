/**
 * Runs changes to a device's unattended access one after another on this node, so a replace
 * cannot revoke the access another request is still turning on. The database's one-live-access
 * index is what holds across nodes; this only keeps one node's answers coherent.
 *
 * @example
 * await queue.run(deviceId, () => replaceAccess());
 */
export class DeviceQueue {
  private readonly tails = new Map<string, Promise<void>>();

  run<T>(deviceId: string, task: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(deviceId) ?? Promise.resolve();
    const result = previous.then(task);
    // The tail settles after the task whatever its outcome, then forgets itself if still last.
    const tail: Promise<void> = result
      .then(
        () => undefined,
        () => undefined,
      )
      .then(() => {
        if (this.tails.get(deviceId) === tail) this.tails.delete(deviceId);
      });
    this.tails.set(deviceId, tail);
    return result;
  }
}
