import type { FileEntry } from '@tether/protocol';
import type { Folder } from './use-folder.js';
import type { Transfers } from './use-transfers.js';
import { childOf } from './upload-folder.js';
import { formatBytes, formatDateTime } from '../../format/format.js';

function EntryRow(props: {
  entry: FileEntry;
  onOpen: () => void;
  onDownload: () => void;
  onRename: () => void;
  onDelete: () => void;
}) {
  const { entry } = props;
  const isFolder = entry.kind === 'directory';
  return (
    <tr data-testid="file-row" data-name={entry.name} data-kind={entry.kind}>
      <td>
        {isFolder ? (
          <button type="button" className="link-button" onClick={props.onOpen}>
            📁 {entry.name}
          </button>
        ) : (
          <span>{entry.name}</span>
        )}
      </td>
      <td className="numeric">{isFolder ? '' : formatBytes(entry.size)}</td>
      <td>{formatDateTime(entry.modifiedAt)}</td>
      <td className="actions">
        <div className="row-actions">
          {(entry.kind === 'file' || isFolder) && (
            <button
              type="button"
              className="button button-small"
              onClick={props.onDownload}
              data-testid="file-download"
              title={isFolder ? 'Download the folder as a .tar archive' : undefined}
            >
              {isFolder ? 'Download .tar' : 'Download'}
            </button>
          )}
          <button type="button" className="button button-small" onClick={props.onRename}>
            Rename
          </button>
          <button
            type="button"
            className="button button-small button-danger"
            onClick={props.onDelete}
          >
            Delete
          </button>
        </div>
      </td>
    </tr>
  );
}

/**
 * The entries of the current folder, with download, rename and delete.
 *
 * @example
 * <FilesTable folder={folder} transfers={transfers} />
 */
export function FilesTable({ folder, transfers }: { folder: Folder; transfers: Transfers }) {
  const here = folder.folder;
  return (
    <div className="table-wrap files-table-wrap">
      <table className="table" data-testid="files-table">
        <thead>
          <tr>
            <th>Name</th>
            <th className="numeric">Size</th>
            <th>Modified</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {folder.entries.map((entry) => (
            <EntryRow
              key={entry.path}
              entry={entry}
              onOpen={() => void folder.open(entry.path)}
              onDownload={() =>
                entry.kind === 'directory'
                  ? transfers.downloadFolder(entry.name, entry.path)
                  : transfers.download(entry.name, entry.path)
              }
              onRename={() => {
                const name = window.prompt(`Rename "${entry.name}" to`, entry.name);
                if (name && here && name !== entry.name)
                  void folder.act({ type: 'rename', path: entry.path, to: childOf(here, name) });
              }}
              onDelete={() => {
                if (
                  window.confirm(
                    `Delete "${entry.name}"${entry.kind === 'directory' ? ' and everything in it' : ''}?`,
                  )
                )
                  void folder.act({ type: 'delete', path: entry.path });
              }}
            />
          ))}
        </tbody>
      </table>
    </div>
  );
}
