/**
 * Who may subscribe to a participant's tracks: LiveKit's `SubscriptionPermission`, which
 * livekit-client sends from `localParticipant.setTrackSubscriptionPermissions(all, [...])`.
 * By default (and after `allParticipants: true`) everyone may. Otherwise only the listed
 * participants (by identity or sid) may, to all the publisher's tracks or to the listed ones;
 * everyone else is told `subscription_permission_update { allowed: false }` and gets no media.
 * A supervisor's whisper is built on this: only the agent may subscribe to its microphone.
 */
import { SubscriptionPermissionUpdate, type SubscriptionPermission } from '@livekit/protocol';
import type { SignalMessage } from './signal-connection.ts';

export interface PermissionSubject {
  readonly identity: string;
  readonly sid: string;
}

export class SubscriptionPermissions {
  private permission: SubscriptionPermission | null = null;

  update(permission: SubscriptionPermission): void {
    this.permission = permission;
  }

  allows(subscriber: PermissionSubject, trackSid: string): boolean {
    const permission = this.permission;
    if (!permission || permission.allParticipants) return true;
    return permission.trackPermissions.some(
      (entry) =>
        ((entry.participantIdentity !== '' && entry.participantIdentity === subscriber.identity) ||
          (entry.participantSid !== '' && entry.participantSid === subscriber.sid)) &&
        (entry.allTracks || entry.trackSids.includes(trackSid)),
    );
  }
}

/** The `subscription_permission_update` a subscriber gets for one of a publisher's tracks. */
export function permissionUpdate(
  publisherSid: string,
  trackSid: string,
  allowed: boolean,
): SignalMessage {
  return {
    case: 'subscriptionPermissionUpdate',
    value: new SubscriptionPermissionUpdate({ participantSid: publisherSid, trackSid, allowed }),
  };
}
