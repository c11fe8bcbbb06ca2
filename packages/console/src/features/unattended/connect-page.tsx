import {
  AccessFile,
  AppError,
  SessionKind,
  UnattendedAccessId,
  formatAccessId,
  type AccessFile as AccessFileData,
} from '@tether/protocol';
import type { TetherClient } from '@tether/sdk';
import { useState, type SyntheticEvent } from 'react';
import { useConsole } from '../../api/console-context.js';
import { handOverSession } from '../sessions/open-session.js';
import { connectWith } from './unattended-panel.js';
import { Notice } from '../../components/notice.js';
import { PageHeader } from '../../components/page-header.js';
import { describeError, isSignedOut } from '../../format/describe-error.js';
import { visibleText } from '../../format/visible-text.js';

/** Reads an access file; throws a sentence saying what is wrong with it. */
async function readAccessFile(file: File): Promise<AccessFileData> {
  let json: unknown;
  try {
    json = JSON.parse(await file.text());
  } catch {
    throw new Error(`"${file.name}" is not a Tether access file (it is not JSON).`);
  }
  const parsed = AccessFile.safeParse(json);
  if (!parsed.success) throw new Error(`"${file.name}" is not a Tether access file.`);
  if (new URL(parsed.data.server).origin !== window.location.origin) {
    throw new Error(
      `This access file is for ${parsed.data.server}; open it in that server's console.`,
    );
  }
  return parsed.data;
}

/** Opens the session with the access's password, then goes to its page. */
async function connectHere(
  api: TetherClient,
  input: {
    accessId: string;
    password: string;
    kind: SessionKind;
    accessFile: AccessFileData | null;
  },
): Promise<void> {
  const accesses = await api.listUnattended();
  const access = accesses.find((candidate) => candidate.id === input.accessId);
  const deviceId = access?.deviceId ?? input.accessFile?.deviceId;
  if (!deviceId) {
    throw new AppError('NOT_FOUND', 'There is no unattended access with this session ID.');
  }
  const { accessId, password, kind } = input;
  handOverSession(accessId, await api.connectUnattended({ accessId, password, kind }));
  connectWith(deviceId, accessId, password, kind);
}

/**
 * Connect with an unattended access (M-2): open the access file (or type the session ID), enter
 * the one-time password, choose what to open. The password is checked when the session opens;
 * wrong ones are slowed down by the server.
 *
 * @example
 * <ConnectPage />
 */
export function ConnectPage() {
  const { api, onSignedOut } = useConsole();
  const [accessFile, setAccessFile] = useState<AccessFileData | null>(null);
  const [accessId, setAccessId] = useState('');
  const [password, setPassword] = useState('');
  const [kind, setKind] = useState<SessionKind>('terminal');
  const [error, setError] = useState<string | null>(null);
  const [isChecking, setChecking] = useState(false);

  const onFile = (file: File | undefined): void => {
    if (!file) return;
    setError(null);
    readAccessFile(file).then(
      (read) => {
        setAccessFile(read);
        setAccessId(formatAccessId(read.accessId));
      },
      (failure: unknown) => setError(failure instanceof Error ? failure.message : String(failure)),
    );
  };

  const onSubmit = (event: SyntheticEvent): void => {
    event.preventDefault();
    const id = UnattendedAccessId.safeParse(accessId);
    if (!id.success) return setError('Enter the nine-digit session ID, e.g. 123 456 789.');
    if (password.trim() === '') return setError('Enter the one-time password.');
    setError(null);
    setChecking(true);
    // The session is opened here, so a wrong password is told on this form with everything
    // typed still in place; the session page then joins the opened session.
    connectHere(api, { accessId: id.data, password: password.trim(), kind, accessFile }).then(
      () => setChecking(false),
      (failure: unknown) => {
        setChecking(false);
        if (isSignedOut(failure)) onSignedOut();
        else setError(describeError(failure));
      },
    );
  };

  return (
    <>
      <PageHeader
        title="Connect with an access file"
        subtitle="Unattended access: the session ID (or its access file) and the one-time password."
      />
      <form className="card form" onSubmit={onSubmit} data-testid="connect-form">
        <label className="field">
          <span>Access file</span>
          <input
            type="file"
            accept=".json,application/json"
            onChange={(event) => onFile(event.target.files?.[0])}
            data-testid="connect-file"
          />
        </label>
        {accessFile && (
          <p className="muted small" data-testid="connect-device">
            Device: {visibleText(accessFile.deviceName)}
          </p>
        )}
        <label className="field">
          <span>Session ID</span>
          <input
            value={accessId}
            onChange={(event) => setAccessId(event.target.value)}
            placeholder="123 456 789"
            className="mono"
            data-testid="connect-id"
          />
        </label>
        <label className="field">
          <span>One-time password</span>
          <input
            type="password"
            autoComplete="off"
            value={password}
            onChange={(event) => setPassword(event.target.value)}
            data-testid="connect-password"
          />
        </label>
        <label className="field">
          <span>Open</span>
          <select
            value={kind}
            onChange={(event) => setKind(SessionKind.parse(event.target.value))}
            data-testid="connect-kind"
          >
            <option value="terminal">Terminal</option>
            <option value="desktop">Desktop</option>
            <option value="files">Files</option>
          </select>
        </label>
        {error && <Notice kind="error">{error}</Notice>}
        <button
          type="submit"
          className="button button-primary"
          disabled={isChecking}
          data-testid="connect-submit"
        >
          {isChecking ? 'Connecting…' : 'Connect'}
        </button>
      </form>
    </>
  );
}
