/**
 * Reading client frames: JSON parsing, validation against the protocol's `ClientMessage`
 * union, and turning failures into `error` frames. Each command is also compiled on its own so
 * a bad `call.accept` is told which field is wrong, not that it matches none of eight shapes.
 */
import { Compile } from 'typebox/compile';
import type { TSchema } from 'typebox';
import {
  AcceptCall,
  CancelTransfer,
  ClientMessage,
  ComeOnline,
  CompleteTransfer,
  DialCall,
  EndWrapUp,
  ExtendWrapUp,
  GoOffline,
  HangupCall,
  HoldCall,
  Ping,
  RejectCall,
  ResumeCall,
  SetPresence,
  TransferCall,
  type ErrorCode,
  type ServerMessage,
} from '../../protocol/session-protocol.ts';
import { AppError, type ErrorReason } from '../shared/errors.ts';
import { readableIssues } from '../shared/validation.ts';
import { findMalformedText } from '../shared/text.ts';

const commandSchemas: Record<string, TSchema> = {
  online: ComeOnline,
  offline: GoOffline,
  'presence.set': SetPresence,
  'call.accept': AcceptCall,
  'call.reject': RejectCall,
  'call.hangup': HangupCall,
  'call.dial': DialCall,
  'call.transfer': TransferCall,
  'call.transfer.complete': CompleteTransfer,
  'call.transfer.cancel': CancelTransfer,
  'call.hold': HoldCall,
  'call.resume': ResumeCall,
  ping: Ping,
  'wrap_up.end': EndWrapUp,
  'wrap_up.extend': ExtendWrapUp,
};
const commandValidators = new Map(
  Object.entries(commandSchemas).map(([type, schema]) => [type, Compile(schema)]),
);
const clientMessageValidator = Compile(ClientMessage);

/** A frame the server refuses: it carries the error frame to send back. */
export class RejectedFrame extends Error {
  constructor(readonly reply: ServerMessage & { type: 'error' }) {
    super(reply.message);
  }
}

const badMessage = (message: string, requestId?: string) =>
  new RejectedFrame({
    type: 'error',
    code: 'bad-message',
    message,
    ...(requestId ? { requestId } : {}),
  });

/** The requestId of a frame, when it has a usable one, so even its error can be correlated. */
function requestIdOf(value: unknown): string | undefined {
  const requestId = (value as { requestId?: unknown } | null)?.requestId;
  return typeof requestId === 'string' && requestId.length > 0 && requestId.length <= 64
    ? requestId
    : undefined;
}

export function parseClientMessage(
  data: Buffer | ArrayBuffer | Buffer[],
  isBinary: boolean,
): ClientMessage {
  if (isBinary) throw badMessage('binary frames are not accepted; send JSON text');
  const text = Array.isArray(data)
    ? Buffer.concat(data).toString('utf8')
    : Buffer.from(data as ArrayBuffer).toString('utf8');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw badMessage('frame is not valid JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw badMessage('a message must be a JSON object');
  const requestId = requestIdOf(value);
  const malformed = findMalformedText(value);
  if (malformed)
    throw badMessage(`${malformed.instancePath || 'message'} ${malformed.message}`, requestId);
  const type = (value as { type?: unknown }).type;
  if (typeof type !== 'string') throw badMessage('message has no "type"', requestId);
  const validator = commandValidators.get(type);
  if (!validator) throw badMessage(`unknown message type "${type}"`, requestId);
  if (!validator.Check(value) || !clientMessageValidator.Check(value)) {
    const issues = readableIssues([...validator.Errors(value)] as never);
    const details = issues
      .map((issue) => `${issue.instancePath || 'message'} ${issue.message}`)
      .join('; ');
    throw badMessage(`invalid ${type} message: ${details}`, requestId);
  }
  return value;
}

const codeForReason: Record<ErrorReason, ErrorCode> = {
  'bad-request': 'bad-message',
  'too-large': 'bad-message',
  unauthorized: 'unauthorized',
  forbidden: 'forbidden',
  'not-found': 'not-found',
  conflict: 'wrong-state',
  'wrong-state': 'wrong-state',
  'too-many-requests': 'too-many-requests',
};

/**
 * The error frame for anything a command threw. AppErrors say what went wrong; anything else
 * is a bug, reported as `internal` with its details kept in the log.
 */
export function errorFrame(
  error: unknown,
  requestId: string | undefined,
): { frame: ServerMessage; unexpected: boolean } {
  if (error instanceof RejectedFrame) return { frame: error.reply, unexpected: false };
  const base = requestId ? { requestId } : {};
  if (error instanceof AppError) {
    return {
      frame: { type: 'error', ...base, code: codeForReason[error.reason], message: error.message },
      unexpected: false,
    };
  }
  return {
    frame: { type: 'error', ...base, code: 'internal', message: 'internal error' },
    unexpected: true,
  };
}
