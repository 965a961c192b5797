import { Pong, SignalRequest, SignalResponse } from '@livekit/protocol';
import type { WebSocket } from 'ws';
import { errorMessage, type MediaLogger } from './logger.ts';

export type SignalMessage = SignalResponse['message'];
export type SignalRequestMessage = SignalRequest['message'];

/** Seconds, sent in JoinResponse; the real server's PingIntervalSeconds/PingTimeoutSeconds. */
export const PING_INTERVAL_SECONDS = 5;
export const PING_TIMEOUT_SECONDS = 15;

/**
 * One client's signalling WebSocket: binary protobuf frames in both directions, keepalive
 * answered here, everything else handed to `onRequest`. A client that sends nothing for longer
 * than the ping timeout is considered gone.
 */
export class SignalConnection {
  onRequest: (message: SignalRequestMessage) => void = () => {};
  onClose: () => void = () => {};
  private idleTimer?: NodeJS.Timeout;
  private closed = false;

  constructor(
    private readonly socket: WebSocket,
    private readonly logger: MediaLogger,
  ) {
    socket.binaryType = 'nodebuffer';
    socket.on('message', (data, isBinary) => this.receive(data as Buffer, isBinary));
    socket.on('close', () => this.handleClose());
    socket.on('error', (error) =>
      this.logger.debug({ err: errorMessage(error) }, 'signal socket error'),
    );
    this.resetIdleTimer();
  }

  get isOpen(): boolean {
    return !this.closed && this.socket.readyState === this.socket.OPEN;
  }

  send(message: SignalMessage): void {
    if (!this.isOpen) return;
    this.socket.send(new SignalResponse({ message }).toBinary());
  }

  /** Closes the socket after queued frames (a `leave`, typically) have been written. */
  close(): void {
    if (this.closed) return;
    this.socket.close(1000);
    this.handleClose();
  }

  private receive(data: Buffer, isBinary: boolean): void {
    this.resetIdleTimer();
    let request: SignalRequest;
    try {
      request = isBinary
        ? SignalRequest.fromBinary(new Uint8Array(data))
        : SignalRequest.fromJsonString(data.toString('utf8'), { ignoreUnknownFields: true });
    } catch (error) {
      this.logger.warn({ err: errorMessage(error) }, 'undecodable signal request');
      return;
    }
    const message = request.message;
    switch (message.case) {
      case 'ping':
        this.send({ case: 'pong', value: BigInt(Date.now()) });
        return;
      case 'pingReq':
        this.send({
          case: 'pongResp',
          value: new Pong({
            lastPingTimestamp: message.value.timestamp,
            timestamp: BigInt(Date.now()),
          }),
        });
        return;
      case undefined:
        return;
      default:
        this.onRequest(message);
    }
  }

  private resetIdleTimer(): void {
    clearTimeout(this.idleTimer);
    if (this.closed) return;
    this.idleTimer = setTimeout(
      () => {
        this.logger.info({}, 'signal connection timed out');
        this.socket.terminate();
        this.handleClose();
      },
      (PING_TIMEOUT_SECONDS + PING_INTERVAL_SECONDS) * 1000,
    );
    this.idleTimer.unref();
  }

  private handleClose(): void {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.idleTimer);
    this.onClose();
  }
}
