import assert from 'node:assert/strict';
import { CreateSessionResponse, CreateUnattendedResponse, Device } from '@tether/protocol';
import { z } from 'zod';
import type { HttpsClient, HttpResponse } from './https-client.js';
import { joinTerminal } from './terminal-client.js';

const DeviceReply = z.object({ device: Device });

/** What a test asks of a new unattended access besides its device. */
export interface AccessOptions {
  mode?: 'unattended' | 'dynamic';
  /** Replace the device's live access instead of being refused with 409. */
  replace?: boolean;
}

/**
 * The unattended-access calls the end-to-end tests share, made as the admin. `admin` is read at
 * each call because the test server starts in `before`, after the test file has bound these.
 *
 * @example
 * const { createAccess, openShell } = unattendedCalls(() => server.admin);
 */
export function unattendedCalls(admin: () => HttpsClient) {
  /** POST /unattended as it is, for tests of its refusals. */
  const requestAccess = (deviceId: string, options: AccessOptions = {}) =>
    admin().request('POST', '/api/v1/unattended', {
      deviceId,
      mode: options.mode ?? 'unattended',
      ...(options.replace === undefined ? {} : { replace: options.replace }),
    });

  /** A new access, with its one-time password. */
  const createAccess = async (deviceId: string, options: AccessOptions = {}) => {
    const created = await requestAccess(deviceId, options);
    assert.equal(created.status, 201, created.text);
    return created.json(CreateUnattendedResponse);
  };

  /** Asks for a terminal session through an access and its password. */
  const connect = (accessId: string, password: string) =>
    admin().request('POST', '/api/v1/unattended/connect', {
      accessId,
      password,
      kind: 'terminal',
    });

  /** Joins the relay of the session a successful connect answered with. */
  const joinSession = (connected: HttpResponse) =>
    joinTerminal(admin(), connected.json(CreateSessionResponse).relay);

  /** Opens a terminal through the access and proves it is a working shell. */
  const openShell = async (accessId: string, password: string) => {
    const opened = await connect(accessId, password);
    assert.equal(opened.status, 201, opened.text);
    const terminal = await joinSession(opened);
    terminal.type('echo "shell-$((40 + 2))"\r');
    await terminal.waitForOutput(/shell-42/);
    return terminal;
  };

  /** The device as the console shows it (its unattended access state among the rest). */
  const deviceView = async (deviceId: string) =>
    (await admin().request('GET', `/api/v1/devices/${deviceId}`)).json(DeviceReply).device;

  return { requestAccess, createAccess, connect, joinSession, openShell, deviceView };
}
