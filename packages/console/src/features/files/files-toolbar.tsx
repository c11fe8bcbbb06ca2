import type { FilesRelay } from './files-relay.js';
import { childOf, makeUploadFolders } from './upload-folder.js';
import type { Folder } from './use-folder.js';
import type { Transfers } from './use-transfers.js';

const parentOf = (path: string): string => path.replace(/\/[^/]+\/?$/, '') || '/';

/**
 * Up, the current path, New folder, and the upload buttons (files, or a folder with its
 * subfolders).
 *
 * @example
 * <FilesToolbar folder={folder} transfers={transfers} relay={relay} />
 */
export function FilesToolbar(props: {
  folder: Folder;
  transfers: Transfers;
  relay: FilesRelay | null;
}) {
  const { folder, transfers, relay } = props;
  const here = folder.folder;
  const isAtRoot = here === null || folder.roots.includes(here);
  return (
    <div className="files-toolbar">
      <button
        type="button"
        className="button button-small"
        disabled={isAtRoot}
        onClick={() => here && void folder.open(parentOf(here))}
      >
        ↑ Up
      </button>
      <span className="mono" data-testid="files-path">
        {here ?? ''}
      </span>
      <button
        type="button"
        className="button button-small"
        disabled={here === null}
        onClick={() => {
          const name = window.prompt('Name of the new folder');
          if (name && here) void folder.act({ type: 'mkdir', path: childOf(here, name) });
        }}
      >
        New folder
      </button>
      <label className="button button-small button-primary">
        Upload files
        <input
          type="file"
          multiple
          hidden
          disabled={here === null}
          data-testid="files-upload-input"
          onChange={(event) => {
            for (const file of Array.from(event.target.files ?? []))
              if (here) transfers.upload(file, childOf(here, file.name));
            event.target.value = '';
          }}
        />
      </label>
      <label className="button button-small">
        Upload a folder
        <input
          type="file"
          hidden
          disabled={here === null}
          data-testid="files-upload-folder-input"
          ref={(input) => input?.setAttribute('webkitdirectory', '')}
          onChange={(event) => {
            const files = Array.from(event.target.files ?? []);
            event.target.value = '';
            if (!here || !relay) return;
            void makeUploadFolders(relay, here, files).then((problem) => {
              if (problem) return folder.setMessage(problem);
              for (const file of files)
                transfers.upload(file, childOf(here, file.webkitRelativePath));
            });
          }}
        />
      </label>
    </div>
  );
}
