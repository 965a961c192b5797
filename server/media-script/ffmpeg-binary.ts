/**
 * Where the encoder is. werift sends RTP but encodes nothing, so the script's media is encoded by
 * ffmpeg: `FFMPEG_PATH` when set, otherwise the static build that the npm package
 * `@ffmpeg-installer/ffmpeg` ships for this platform (a dependency, so `npm install` brings it).
 * Looked up when asked, never at import: a missing binary makes media scripts unavailable (503)
 * instead of stopping call control.
 */
import { accessSync, chmodSync, constants } from 'node:fs';
import { createRequire } from 'node:module';

export type FfmpegLookup = { path: string } | { path?: undefined; problem: string };

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The ffmpeg to run, or why there is none. */
export function findFfmpeg(
  explicitPath: string | undefined = process.env.FFMPEG_PATH,
): FfmpegLookup {
  if (explicitPath) {
    return isExecutable(explicitPath)
      ? { path: explicitPath }
      : { problem: `FFMPEG_PATH (${explicitPath}) is not an executable file` };
  }
  try {
    const installed = createRequire(import.meta.url)('@ffmpeg-installer/ffmpeg') as {
      path: string;
    };
    if (isExecutable(installed.path)) return { path: installed.path };
    // Its postinstall (`chmod u+x`) may not have run (npm's allowScripts); the tarball's mode
    // is normally executable already.
    try {
      chmodSync(installed.path, 0o755);
    } catch {
      // Not ours to change: reported below.
    }
    if (isExecutable(installed.path)) return { path: installed.path };
    return { problem: `the ffmpeg binary at ${installed.path} is not executable` };
  } catch (error) {
    // The package throws a string when this platform has no build or its binary is missing.
    const reason = error instanceof Error ? error.message : String(error);
    return { problem: `no ffmpeg binary (@ffmpeg-installer/ffmpeg: ${reason.split('\n')[0]})` };
  }
}
