import {
  AgentBuildKey,
  MAX_BUILD_UPLOAD_BYTES,
  upgradeEndpoints,
  type AgentBuildInfo,
  type UpgradeOverview,
} from '@tether/protocol';
import { useRef, useState, type SyntheticEvent } from 'react';
import { useConsole } from '../../api/console-context.js';
import { Notice } from '../../components/notice.js';
import { formatDateTime } from '../../format/format.js';
import { useAction } from '../../hooks/use-action.js';

const MIB = 1024 * 1024;

function BuildRow({
  build,
  isTarget,
  onDeleted,
}: {
  build: AgentBuildInfo;
  isTarget: boolean;
  onDeleted: () => void;
}) {
  const { can } = useConsole();
  const remove = useAction(
    (api) =>
      api.call(upgradeEndpoints.removeBuild, {
        params: AgentBuildKey.parse({ version: build.version, arch: build.arch }),
      }),
    { onDone: onDeleted },
  );
  const whyKept =
    build.source === 'server'
      ? 'The server’s own build: remade from its installation.'
      : isTarget
        ? 'The upgrade target: choose another target first.'
        : null;
  return (
    <tr data-testid={`build-${build.version}-${build.arch}`}>
      <td className="mono">{build.version}</td>
      <td>{build.arch}</td>
      <td>{build.source === 'server' ? 'This server' : 'Uploaded'}</td>
      <td>{(build.bodyBytes / MIB).toFixed(1)} MiB</td>
      <td>{formatDateTime(build.addedAt)}</td>
      <td>
        {can('settings.manage') && (
          <button
            type="button"
            className="button button-small"
            disabled={remove.isRunning || whyKept !== null}
            title={whyKept ?? undefined}
            onClick={() => {
              if (window.confirm(`Delete agent ${build.version} (${build.arch})?`)) remove.run();
            }}
            data-testid={`build-delete-${build.version}`}
          >
            Delete
          </button>
        )}
        {remove.error && (
          <Notice kind="error" onDismiss={remove.clearError}>
            {remove.error}
          </Notice>
        )}
      </td>
    </tr>
  );
}

function UploadForm({ onAdded }: { onAdded: () => void }) {
  const [file, setFile] = useState<File | null>(null);
  const [isReplace, setReplace] = useState(false);
  const [added, setAdded] = useState<string | null>(null);
  const input = useRef<HTMLInputElement>(null);
  const upload = useAction(
    (api, chosen: File) =>
      api.call(upgradeEndpoints.addBuild, {
        upload: chosen,
        query: isReplace ? { replace: 'true' } : {},
      }),
    {
      onDone: (build) => {
        setAdded(`Added agent ${build.version} for ${build.arch}: choose it as the target above.`);
        setFile(null);
        if (input.current) input.current.value = '';
        onAdded();
      },
    },
  );
  const isTooLarge = file !== null && file.size > MAX_BUILD_UPLOAD_BYTES;
  const onSubmit = (event: SyntheticEvent) => {
    event.preventDefault();
    setAdded(null);
    if (file) upload.run(file);
  };
  return (
    <form onSubmit={onSubmit} data-testid="build-upload-form">
      <label className="field field-wide">
        <span>
          Upload a build: the <span className="mono">tether-agent.tar.gz</span> package of any
          Tether server, or a .tar.gz of an agent folder (at most {MAX_BUILD_UPLOAD_BYTES / MIB}{' '}
          MiB). It is checked before it is listed.
        </span>
        <input
          ref={input}
          type="file"
          accept=".tar.gz,.tgz,application/gzip"
          onChange={(event) => {
            setAdded(null);
            setFile(event.target.files?.[0] ?? null);
          }}
          data-testid="build-upload-file"
        />
      </label>
      <label className="checkbox">
        <input
          type="checkbox"
          checked={isReplace}
          onChange={(event) => setReplace(event.target.checked)}
          data-testid="build-upload-replace"
        />{' '}
        Replace an uploaded build of the same version
      </label>
      {isTooLarge && <Notice kind="error">This file is larger than the server accepts.</Notice>}
      {upload.error && (
        <Notice kind="error" onDismiss={upload.clearError}>
          {upload.error}
        </Notice>
      )}
      {added !== null && <Notice kind="success">{added}</Notice>}
      <button
        type="submit"
        className="button"
        disabled={!file || isTooLarge || upload.isRunning}
        data-testid="build-upload-submit"
      >
        {upload.isRunning ? 'Uploading…' : 'Upload build'}
      </button>
    </form>
  );
}

/**
 * The agent builds the server holds, with an upload control and a Delete per uploaded
 * build; part of the admin console's upgrades page.
 *
 * @example
 * <UpgradeBuilds overview={overview} onChanged={reload} />
 */
export function UpgradeBuilds({
  overview,
  onChanged,
}: {
  overview: UpgradeOverview;
  onChanged: () => void;
}) {
  const { can } = useConsole();
  return (
    <div className="card" data-testid="upgrade-builds">
      <h2>Agent builds</h2>
      {overview.builds.length === 0 ? (
        <p className="muted">
          None yet: the server’s own build is made when a package or upgrade first needs it.
        </p>
      ) : (
        <div className="table-wrap">
          <table className="table">
            <thead>
              <tr>
                <th>Version</th>
                <th>Arch</th>
                <th>From</th>
                <th>Size</th>
                <th>Added</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {overview.builds.map((build) => (
                <BuildRow
                  key={`${build.version}-${build.arch}`}
                  build={build}
                  isTarget={overview.settings.targetVersion === build.version}
                  onDeleted={onChanged}
                />
              ))}
            </tbody>
          </table>
        </div>
      )}
      {can('settings.manage') && <UploadForm onAdded={onChanged} />}
    </div>
  );
}
