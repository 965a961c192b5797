import type { Call, CallLifecycleStatus } from '@switchboard/telephony';
import type {
  AgentRef,
  CallView,
  EndReason,
  Party,
  RingGroupRef,
  TransferState,
} from '@switchboard/telephony';

/**
 * A call as the store keeps it: plain, serializable data copied out of an SDK Call. The Call
 * object itself stays in TelephonyService.
 */
export interface CallSnapshot {
  id: string;
  direction: CallView['direction'];
  from: Party;
  to: Party;
  ringGroup: RingGroupRef | null;
  status: CallLifecycleStatus;
  endReason: EndReason | null;
  answeredBy: AgentRef | null;
  createdAt: number;
  ringingAt: number | null;
  answeredAt: number | null;
  endedAt: number | null;
  /** Ring attempt (a group call offered again keeps its id, with a higher attempt). */
  attempt: number;
  /** The caller is on hold, since `heldAt` (epoch ms). */
  held: boolean;
  heldAt: number | null;
  /** Rung by a transfer from this agent ("Transferred by …"). */
  transferredBy: AgentRef | null;
  /** The transfer in progress (transferring agent's side). */
  transfer: TransferState | null;
  /** A warm transfer's consultation call: the call being transferred. */
  consultationFor: string | null;
  /** A consultation: who the call being transferred is with ("… about Katherine Johnson"). */
  consultationAbout: Party | null;
  /** What the caller (dial API, dialing tab) passed along: the customer context. */
  params: Record<string, string>;
}

export function toCallSnapshot(call: Call): CallSnapshot {
  return {
    id: call.id,
    direction: call.direction,
    from: { name: call.from.name, address: call.from.address },
    to: { name: call.to.name, address: call.to.address },
    ringGroup: call.ringGroup ? { id: call.ringGroup.id, name: call.ringGroup.name } : null,
    status: call.status,
    endReason: call.endReason,
    answeredBy: call.answeredBy ? { id: call.answeredBy.id, name: call.answeredBy.name } : null,
    createdAt: call.createdAt,
    ringingAt: call.ringingAt,
    answeredAt: call.answeredAt,
    endedAt: call.endedAt,
    attempt: call.attempt,
    held: call.held,
    heldAt: call.heldAt,
    transferredBy: call.transferredBy
      ? { id: call.transferredBy.id, name: call.transferredBy.name }
      : null,
    transfer: call.transferState ? structuredClone(call.transferState) : null,
    consultationFor: call.consultationFor,
    consultationAbout: call.consultationAbout
      ? { name: call.consultationAbout.name, address: call.consultationAbout.address }
      : null,
    params: { ...call.params },
  };
}
