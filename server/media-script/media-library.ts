/**
 * The media files scripts may play: regular files directly inside one configured directory
 * (SCRIPT_MEDIA_DIR). Names are checked by the script schema (no folders, no dot files, a media
 * extension) and resolved here once more, so nothing outside the directory can be reached, not
 * even through a symbolic link.
 */
import { realpathSync, statSync } from 'node:fs';
import { resolve, sep } from 'node:path';
import { AppError } from '../shared/errors.ts';
import { MEDIA_FILE_NAME } from './script-schema.ts';

export class MediaLibrary {
  constructor(readonly directory: string) {}

  /** The absolute path of a playable file; a 400 AppError naming the file otherwise. */
  resolve(name: string): string {
    if (!MEDIA_FILE_NAME.test(name))
      throw new AppError('bad-request', `media file name ${JSON.stringify(name)} is not allowed`);
    const missing = () =>
      new AppError(
        'bad-request',
        `media file ${JSON.stringify(name)} is not in the media directory (SCRIPT_MEDIA_DIR)`,
      );
    let root: string;
    let path: string;
    try {
      root = realpathSync(this.directory);
      path = realpathSync(resolve(root, name));
    } catch {
      throw missing();
    }
    if (!path.startsWith(root + sep) || !statSync(path).isFile()) throw missing();
    return path;
  }
}
