export type MediaDirection = 'sendrecv' | 'sendonly' | 'recvonly' | 'inactive';

export interface MediaSection {
  kind: string;
  mid: string;
  port: number;
  direction: MediaDirection;
  /** From `a=msid:<stream id> <track id>`; absent once the sender has no track. */
  msidTrackId?: string;
}

/** Just enough SDP parsing to follow the m-sections of a client's publisher offer. */
export function parseMediaSections(sdp: string): MediaSection[] {
  const sections: MediaSection[] = [];
  let current: MediaSection | undefined;
  for (const line of sdp.split(/\r?\n/)) {
    if (line.startsWith('m=')) {
      const [kind, port] = line.slice(2).split(' ');
      current = { kind, mid: '', port: Number(port), direction: 'sendrecv' };
      sections.push(current);
    } else if (current) {
      if (line.startsWith('a=mid:')) current.mid = line.slice('a=mid:'.length).trim();
      else if (line.startsWith('a=msid:')) current.msidTrackId = line.split(' ')[1]?.trim();
      else if (/^a=(sendrecv|sendonly|recvonly|inactive)$/.test(line.trim())) {
        current.direction = line.trim().slice(2) as MediaDirection;
      }
    }
  }
  return sections;
}

/** Whether the remote side is sending media on this section. */
export function isSending(section: MediaSection): boolean {
  return (
    section.port !== 0 &&
    (section.direction === 'sendonly' || section.direction === 'sendrecv') &&
    section.msidTrackId !== undefined
  );
}

/**
 * werift writes port 0 on every inactive m-section it answers, which declares the section
 * rejected. A rejected section cannot stay in the BUNDLE group, and when it is the group's
 * first (its tag) the offerer drops the whole transport: libwebrtc clients (`@livekit/rtc-node`)
 * offer receive-only sections first on their publisher connection, which the server answers
 * inactive, so that connection never came up. Inactive is not rejected: a bundled inactive
 * section keeps the bundle's port (9), as a real LiveKit answers it.
 */
export function keepInactiveSectionsBundled(sdp: string): string {
  const bundled = new Set(/^a=group:BUNDLE (.*)$/m.exec(sdp)?.[1].trim().split(/\s+/) ?? []);
  const sections = sdp.split(/(?=^m=)/m);
  return sections
    .map((section) => {
      if (!section.startsWith('m=')) return section;
      const mid = /^a=mid:(\S+)/m.exec(section)?.[1];
      if (!mid || !bundled.has(mid) || !/^a=inactive\r?$/m.test(section)) return section;
      return section.replace(/^m=(\S+) 0 /, 'm=$1 9 ');
    })
    .join('');
}
