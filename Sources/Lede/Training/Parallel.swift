import Dispatch

/// Runs independent blocks of work on a fixed number of threads.
///
/// Work is cut into blocks whose boundaries depend only on the data, never on the thread count, and each
/// block writes its own results: so every result is the same whatever the number of threads.
public enum Parallel {
    /// Calls `body(block)` for each block in `0..<blocks`, spread over `threads` threads.
    public static func forEach(blocks: Int, threads: Int, _ body: (Int) -> Void) {
        let workers = max(1, min(threads, blocks))
        if workers == 1 {
            for block in 0..<blocks { body(block) }
            return
        }
        withoutActuallyEscaping(body) { body in
            DispatchQueue.concurrentPerform(iterations: workers) { worker in
                var block = worker
                while block < blocks {
                    body(block)
                    block += workers
                }
            }
        }
    }

    /// The number of cores this process may use.
    public static var availableCores: Int { ProcessInfo.processInfo.activeProcessorCount }
}

import Foundation
