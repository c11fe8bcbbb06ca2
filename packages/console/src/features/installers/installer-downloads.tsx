import {
  agentPackageEndpoints,
  type AgentPackageDownloads,
  type Installer,
} from '@tether/protocol';
import { useState } from 'react';
import { CopyButton } from '../../components/copy-button.js';
import { Loaded } from '../../components/loaded.js';
import { Notice } from '../../components/notice.js';
import { useLoad } from '../../hooks/use-load.js';
import { formatBytes, formatDateTime } from '../../format/format.js';

/**
 * The downloads of an installer's agent package (issue 14): the `curl … | sudo sh` one-liner
 * with a copy button, the `.run`, `.deb` and `.tar.gz` files with their sizes, and a warning
 * when the packages would point devices at this machine's loopback address. Loaded when the
 * administrator opens it: the server's first package after an upgrade takes seconds to make.
 *
 * @example
 * <InstallerDownloads installer={installer} />
 */
export function InstallerDownloads({ installer }: { installer: Installer }) {
  const [isOpen, setOpen] = useState(false);
  if (!isOpen) {
    return (
      <button
        type="button"
        className="button button-small"
        onClick={() => setOpen(true)}
        data-testid="installer-downloads-open"
        data-installer={installer.id}
      >
        Download agent
      </button>
    );
  }
  return <DownloadsPanel installer={installer} onClose={() => setOpen(false)} />;
}

function DownloadsPanel({ installer, onClose }: { installer: Installer; onClose: () => void }) {
  const [downloads, reload] = useLoad(
    (api) => api.call(agentPackageEndpoints.downloads, { params: { id: installer.id } }),
    [installer.id],
  );
  return (
    <section
      className="card installer-downloads"
      data-testid="installer-downloads"
      data-installer={installer.id}
    >
      <h3>Install the agent on Linux devices ({installer.group})</h3>
      <Loaded load={downloads} onRetry={reload}>
        {(value) => <DownloadList downloads={value} />}
      </Loaded>
      <button type="button" className="button-link" onClick={onClose}>
        Hide
      </button>
    </section>
  );
}

function DownloadList({ downloads }: { downloads: AgentPackageDownloads }) {
  const files = downloads.files.filter((file) => file.file !== 'install.sh');
  return (
    <>
      {downloads.warning && (
        <Notice kind="warning">
          <span data-testid="installer-downloads-warning">{downloads.warning}</span>
        </Notice>
      )}
      <p>
        Paste this on each device (as root, or with sudo). It downloads the agent{' '}
        {downloads.version} (linux-{downloads.arch}) with its own runtime, installs it as a service
        and enrols it with {downloads.serverUrl}. Add options after <code>sh -s --</code>, e.g.{' '}
        <code>| sudo sh -s -- --jc-tag web</code>. The links work until{' '}
        {formatDateTime(downloads.expiresAt)}; anyone who has them can enrol a device.
      </p>
      <div className="secret-row">
        <span className="secret-label">One-liner</span>
        <code className="secret" data-testid="installer-one-liner">
          {downloads.oneLiner}
        </code>
        <CopyButton text={downloads.oneLiner} label="Copy command" />
      </div>
      <ul className="plain-list" data-testid="installer-download-files">
        {files.map((file) => (
          <li key={file.file}>
            <a href={file.url} download={file.file} data-testid={`download-${file.file}`}>
              {file.file}
            </a>{' '}
            <span className="muted">
              {formatBytes(file.bytes)} — {file.label}
            </span>
          </li>
        ))}
      </ul>
    </>
  );
}
