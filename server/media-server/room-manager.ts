import { DisconnectReason } from '@livekit/protocol';
import type { MediaLogger } from './logger.ts';
import { DEFAULT_ROOM_SETTINGS, Room, type RoomSettings } from './room.ts';
import type { WebhookNotifier } from './webhooks.ts';

/** Rooms by name, shared by the signalling endpoint and RoomService. */
export class RoomManager {
  private readonly rooms = new Map<string, Room>();

  constructor(
    private readonly webhooks: WebhookNotifier,
    private readonly logger: MediaLogger,
    private readonly nodeId: string,
  ) {}

  get(name: string): Room | undefined {
    return this.rooms.get(name);
  }

  list(): Room[] {
    return [...this.rooms.values()];
  }

  /** Returns the named room, creating it (and emitting room_started) when it does not exist. */
  getOrCreate(name: string, settings: Partial<RoomSettings> = {}): Room {
    const existing = this.rooms.get(name);
    if (existing) return existing;
    const room = new Room(
      name,
      { ...DEFAULT_ROOM_SETTINGS, ...definedOnly(settings) },
      {
        webhooks: this.webhooks,
        logger: this.logger,
        nodeId: this.nodeId,
        onIdle: (idle) => this.close(idle.name, DisconnectReason.ROOM_CLOSED),
      },
    );
    this.rooms.set(name, room);
    this.webhooks.notify('room_started', { room: room.toInfo() });
    this.logger.info({ room: name }, 'room started');
    return room;
  }

  /** Disconnects everyone and emits room_finished; false when there is no such room. */
  close(name: string, reason: DisconnectReason): boolean {
    const room = this.rooms.get(name);
    if (!room) return false;
    this.rooms.delete(name);
    room.close(reason);
    this.webhooks.notify('room_finished', { room: room.toInfo() });
    this.logger.info({ room: name }, 'room finished');
    return true;
  }

  closeAll(reason: DisconnectReason): void {
    for (const name of [...this.rooms.keys()]) this.close(name, reason);
  }
}

function definedOnly<T extends object>(value: Partial<T>): Partial<T> {
  return Object.fromEntries(
    Object.entries(value).filter(([, entry]) => entry !== undefined),
  ) as Partial<T>;
}
