/**
 * What the agents of a phone call hear while it is on hold: nothing. The caller hears the
 * group's music (`PhoneWaiting`), and the agent's ear is free to talk or work off the line, as in
 * Twilio and Amazon Connect. LiveKit has no per-track permission a server can set for a
 * publisher (the waiting audio publishes through rtc-node, which has none either), so the agents'
 * own permission to receive is taken away instead: livekit-server then drops every subscription
 * of theirs (the caller's voice and the music alike) and subscribes nothing new until it is given
 * back, when it re-subscribes them to everything at once (`ParticipantImpl.SetPermission`:
 * `ReconcileAll`). The console rebuilds its remote audio on TrackUnsubscribed/TrackSubscribed.
 *
 * Only the call's tabs (`agent:` and `caller:` parties) are touched: the phone, the waiting audio
 * and a supervisor's monitor keep theirs.
 */
import type { RoomServiceClient } from 'livekit-server-sdk';

const isTabParty = (identity: string) =>
  identity.startsWith('agent:') || identity.startsWith('caller:');

export class AgentHearing {
  constructor(
    private readonly rooms: Pick<RoomServiceClient, 'listParticipants' | 'updateParticipant'>,
  ) {}

  /** Lets the room's tabs receive audio again (`true`) or takes it away (`false`). */
  async set(room: string, hearing: boolean): Promise<void> {
    const participants = await this.rooms.listParticipants(room);
    await Promise.all(
      participants
        .filter(({ identity, permission }) => isTabParty(identity) && permission)
        .filter(({ permission }) => permission!.canSubscribe !== hearing)
        .map(({ identity, permission }) =>
          // Permissions are replaced as a whole: everything else stays as the token granted it.
          this.rooms.updateParticipant(room, identity, {
            permission: { ...permission!, canSubscribe: hearing },
          }),
        ),
    );
  }
}
