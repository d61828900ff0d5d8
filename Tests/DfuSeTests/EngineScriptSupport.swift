@testable import DfuSe

/// Replies for a scripted conversation.
enum Reply {
  case ok
  case status(DFUState, DFUStatus = .ok, poll: UInt32 = 0)
  case data([UInt8])
  case error(TransportError)

  var result: DFUTransferResult {
    switch self {
    case .ok: return .sent
    case .status(let state, let status, let poll):
      return .received(StatusResponse(status: status, pollTimeoutMilliseconds: poll, state: state).bytes)
    case .data(let bytes): return .received(bytes)
    case .error(let e): return .failed(e)
    }
  }
}

/// A compact, comparable rendering of what the engine asked for.
enum Seen: Equatable, CustomStringConvertible {
  case request(String)
  case wait(Duration)
  case finished(OperationOutcome)
  case failed(DfuSeError)

  var description: String {
    switch self {
    case .request(let s): return s
    case .wait(let d): return "wait \(d)"
    case .finished(let o): return "finished \(o)"
    case .failed(let e): return "failed \(e)"
    }
  }
}

/// Drives `operation` with `replies`, one per transfer, and records every action.
/// Stops at the end or when replies run out (recording "out of replies").
func drive(_ operation: inout DFUOperation, _ replies: [Reply]) -> (seen: [Seen], controls: [DFUControl]) {
  var seen: [Seen] = []
  var controls: [DFUControl] = []
  var remaining = replies[...]
  for _ in 0..<10_000 {
    switch operation.nextAction() {
    case .send(let control):
      seen.append(.request(control.description))
      controls.append(control)
      guard let reply = remaining.popFirst() else { seen.append(.request("out of replies")); return (seen, controls) }
      operation.receive(reply.result)
    case .wait(let d): seen.append(.wait(d))
    case .finished(let o): seen.append(.finished(o)); return (seen, controls)
    case .failed(let e): seen.append(.failed(e)); return (seen, controls)
    }
  }
  return (seen, controls)
}

let getStatus = Seen.request("DFU_GETSTATUS")
func dnload0(_ c: DfuSeCommand) -> Seen { .request("DNLOAD(0) \(c)") }
