import {
  CreateRoomRequest,
  DeleteRoomRequest,
  DeleteRoomResponse,
  DisconnectReason,
  ListParticipantsRequest,
  ListParticipantsResponse,
  ListRoomsRequest,
  ListRoomsResponse,
  MuteRoomTrackRequest,
  MuteRoomTrackResponse,
  MuteTrackRequest,
  RemoveParticipantResponse,
  RoomParticipantIdentity,
  UpdateParticipantRequest,
} from '@livekit/protocol';
import { AuthError, bearerToken, verifyAccessToken, type AccessClaims } from './auth.ts';
import { errorMessage, type MediaLogger } from './logger.ts';
import type { Participant } from './participant.ts';
import type { Room } from './room.ts';
import type { RoomManager } from './room-manager.ts';

export const TWIRP_PREFIX = '/twirp/livekit.RoomService/';

type TwirpCode =
  | 'not_found'
  | 'invalid_argument'
  | 'unauthenticated'
  | 'permission_denied'
  | 'failed_precondition'
  | 'bad_route'
  | 'internal';

const STATUS_BY_CODE: Record<TwirpCode, number> = {
  not_found: 404,
  invalid_argument: 400,
  unauthenticated: 401,
  permission_denied: 403,
  failed_precondition: 412,
  bad_route: 404,
  internal: 500,
};

export class TwirpError extends Error {
  constructor(
    readonly code: TwirpCode,
    message: string,
  ) {
    super(message);
  }

  get status(): number {
    return STATUS_BY_CODE[this.code];
  }
}

export interface TwirpResult {
  status: number;
  /** JSON text. Errors are `{"code","msg"}`; the SDK parses them only with exactly `application/json`. */
  body: string;
}

type Grant = 'roomCreate' | 'roomList' | 'roomAdmin';

interface Method {
  grant: Grant;
  handle(rooms: RoomManager, body: string, claims: AccessClaims): string;
}

const parse = { ignoreUnknownFields: true };

/** The RoomService subset a call-control backend uses, as JSON Twirp (what the Node SDK speaks). */
const METHODS: Record<string, Method> = {
  CreateRoom: {
    grant: 'roomCreate',
    handle(rooms, body) {
      const request = CreateRoomRequest.fromJsonString(body, parse);
      if (!request.name) throw new TwirpError('invalid_argument', 'room name is required');
      const room = rooms.getOrCreate(request.name, {
        emptyTimeout: request.emptyTimeout || undefined,
        departureTimeout: request.departureTimeout || undefined,
        maxParticipants: request.maxParticipants || undefined,
        metadata: request.metadata || undefined,
      });
      return room.toInfo().toJsonString();
    },
  },
  DeleteRoom: {
    grant: 'roomCreate',
    handle(rooms, body) {
      const request = DeleteRoomRequest.fromJsonString(body, parse);
      if (!rooms.close(request.room, DisconnectReason.ROOM_DELETED)) {
        throw new TwirpError('not_found', 'requested room does not exist');
      }
      return new DeleteRoomResponse().toJsonString();
    },
  },
  ListRooms: {
    grant: 'roomList',
    handle(rooms, body) {
      const { names } = ListRoomsRequest.fromJsonString(body, parse);
      const listed = rooms.list().filter((room) => names.length === 0 || names.includes(room.name));
      return new ListRoomsResponse({ rooms: listed.map((room) => room.toInfo()) }).toJsonString();
    },
  },
  ListParticipants: {
    grant: 'roomAdmin',
    handle(rooms, body, claims) {
      const room = findRoom(
        rooms,
        ListParticipantsRequest.fromJsonString(body, parse).room,
        claims,
      );
      const participants = room.participantList.filter((p) => !p.hidden).map((p) => p.toInfo());
      return new ListParticipantsResponse({ participants }).toJsonString();
    },
  },
  GetParticipant: {
    grant: 'roomAdmin',
    handle(rooms, body, claims) {
      return findParticipant(rooms, RoomParticipantIdentity.fromJsonString(body, parse), claims)
        .participant.toInfo()
        .toJsonString();
    },
  },
  RemoveParticipant: {
    grant: 'roomAdmin',
    handle(rooms, body, claims) {
      const { room, participant } = findParticipant(
        rooms,
        RoomParticipantIdentity.fromJsonString(body, parse),
        claims,
      );
      room.removeParticipant(participant, DisconnectReason.PARTICIPANT_REMOVED, true);
      return new RemoveParticipantResponse().toJsonString();
    },
  },
  MutePublishedTrack: {
    grant: 'roomAdmin',
    handle(rooms, body, claims) {
      const request = MuteRoomTrackRequest.fromJsonString(body, parse);
      const { participant } = findParticipant(rooms, request, claims);
      if (!participant.findTrack(request.trackSid))
        throw new TwirpError('not_found', 'track is not found');
      if (!request.muted) throw new TwirpError('failed_precondition', 'remote unmute not enabled');
      // The publisher's SDK mutes the track locally and confirms with its own MuteTrackRequest.
      participant.send({
        case: 'mute',
        value: new MuteTrackRequest({ sid: request.trackSid, muted: true }),
      });
      const track = participant.setTrackMuted(request.trackSid, true);
      return new MuteRoomTrackResponse({ track }).toJsonString();
    },
  },
  UpdateParticipant: {
    grant: 'roomAdmin',
    handle(rooms, body, claims) {
      const request = UpdateParticipantRequest.fromJsonString(body, parse);
      const { room, participant } = findParticipant(rooms, request, claims);
      if (request.permission) {
        participant.permission = request.permission;
        if (!request.permission.canPublish) participant.revokePublishing();
        room.subscriptionsChanged(participant);
      }
      participant.applyMetadata({
        metadata: request.metadata,
        name: request.name,
        attributes: request.attributes,
      });
      return participant.toInfo().toJsonString();
    },
  },
};

export async function handleTwirp(
  rooms: RoomManager,
  keys: ReadonlyMap<string, string>,
  methodName: string,
  authorization: string | undefined,
  body: string,
  logger: MediaLogger,
): Promise<TwirpResult> {
  try {
    const method = Object.hasOwn(METHODS, methodName) ? METHODS[methodName] : undefined;
    if (!method) throw new TwirpError('bad_route', `unknown method ${methodName}`);
    let claims: AccessClaims;
    try {
      claims = await verifyAccessToken(bearerToken(authorization), keys);
    } catch (error) {
      throw new TwirpError(
        'unauthenticated',
        error instanceof AuthError ? error.message : 'invalid token',
      );
    }
    if (!claims.video[method.grant]) {
      throw new TwirpError('permission_denied', `token lacks the ${method.grant} grant`);
    }
    let output: string;
    try {
      output = method.handle(rooms, body || '{}', claims);
    } catch (error) {
      if (error instanceof TwirpError) throw error;
      if (
        error instanceof SyntaxError ||
        (error instanceof Error && /cannot decode|JSON/i.test(error.message))
      ) {
        throw new TwirpError('invalid_argument', `malformed request: ${error.message}`);
      }
      throw error;
    }
    return { status: 200, body: output };
  } catch (error) {
    if (!(error instanceof TwirpError))
      logger.error({ err: errorMessage(error), method: methodName }, 'RoomService failed');
    const twirp =
      error instanceof TwirpError ? error : new TwirpError('internal', 'internal error');
    return { status: twirp.status, body: JSON.stringify({ code: twirp.code, msg: twirp.message }) };
  }
}

function findRoom(rooms: RoomManager, name: string, claims: AccessClaims): Room {
  if (claims.video.room !== name)
    throw new TwirpError('permission_denied', 'token is not valid for this room');
  const room = rooms.get(name);
  if (!room) throw new TwirpError('not_found', 'requested room does not exist');
  return room;
}

function findParticipant(
  rooms: RoomManager,
  request: { room: string; identity: string },
  claims: AccessClaims,
): { room: Room; participant: Participant } {
  const room = findRoom(rooms, request.room, claims);
  const participant = room.participant(request.identity);
  if (!participant) throw new TwirpError('not_found', 'participant does not exist');
  return { room, participant };
}
