import Dispatch

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
    /// it (for per-thread scratch state): worker w takes blocks w, w + threads, w + 2 threads, ...
    public static func forEach(blocks: Int, threads: Int, _ body: (_ block: Int, _ worker: Int) -> Void) {
        let workers = max(1, min(threads, blocks))
        if workers == 1 {
            for block in 0..<blocks { body(block, 0) }
            return
        }
        withoutActuallyEscaping(body) { body in
            DispatchQueue.concurrentPerform(iterations: workers) { worker in
                var block = worker
                while block < blocks {
                    body(block, worker)
                    block += workers
                }
            }
        }
    }

    /// The number of cores this process may use.
    public static var availableCores: Int { ProcessInfo.processInfo.activeProcessorCount }
}

import Foundation
