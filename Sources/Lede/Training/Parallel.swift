import Dispatch
import Synchronization
import Foundation

/// Runs independent blocks of work on a fixed number of threads.
///
/// Work is cut into blocks whose boundaries depend only on the data, never on the thread count, and each
/// block writes its own results: so every result is the same whatever the number of threads.
public enum Parallel {
    /// Calls `body(block)` for each block in `0..<blocks`, spread over `threads` threads.
    public static func forEach(blocks: Int, threads: Int, _ body: (Int) -> Void) {
        forEach(blocks: blocks, threads: threads) { block, _ in body(block) }
    }

    /// Calls `body(block, worker)` for each block, where `worker` in `0..<threads` names the thread running
    /// it (for per-thread scratch state). Each worker takes the next block not yet taken, so a thread that
    /// shares its core with other work takes fewer blocks instead of holding the others up.
    public static func forEach(blocks: Int, threads: Int, _ body: (_ block: Int, _ worker: Int) -> Void) {
        let workers = max(1, min(threads, blocks))
        if workers == 1 {
            for block in 0..<blocks { body(block, 0) }
            return
        }
        let next = Atomic<Int>(0)
        withoutActuallyEscaping(body) { body in
            // The one place where work crosses threads: each block goes to exactly one worker, and `body`
            // keeps to the state of its block and worker (the contract above), so sharing it is safe.
            let shared = UncheckedSendable(body)
            DispatchQueue.concurrentPerform(iterations: workers) { worker in
                while true {
                    let block = next.wrappingAdd(1, ordering: .relaxed).oldValue
                    guard block < blocks else { return }
                    shared.value(block, worker)
                }
            }
        }
    }

    /// The number of cores this process may use.
    public static var availableCores: Int { ProcessInfo.processInfo.activeProcessorCount }
}

/// A value handed to other threads under a contract the compiler cannot check, stated where it is made.
struct UncheckedSendable<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
