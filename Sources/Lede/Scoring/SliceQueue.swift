import Dispatch
import Foundation

/// Work handed from one producer to a fixed set of worker threads as a queue of slices, with no barrier
/// between one batch of slices and the next: a worker that finishes the last free slice of a batch goes
/// on with the next batch's while the others finish theirs, so that a core never waits for a straggler
/// (a worker whose core was taken for a while by the producer, or by anything else on the machine).
///
/// The producer queues each batch with `enqueue(batch:slices:)`, which returns a ticket, and waits for a
/// batch's slices to be done with `wait(for:)`. Each worker thread calls `body(batch, slice, worker)` with
/// its own index in `0..<workers`, so per-worker state needs no lock. The producer must call
/// `finish()`, which ends the workers once the queue is empty, or after the slices in progress when
/// `abandoning` (a run that ends on an error), and returns when no worker runs any more.
final class SliceQueue: @unchecked Sendable {
    /// Names a queued batch, for `wait(for:)`.
    struct Ticket: Hashable {
        fileprivate let serial: Int
    }

    /// `body(batch, slice, worker)` runs slice `slice` of the batch tagged `batch` (as given to `enqueue`)
    /// on the worker thread numbered `worker`.
    typealias Body = (_ batch: Int, _ slice: Int, _ worker: Int) -> Void

    // All state below is guarded by `condition`'s lock; it is signalled when a slice is queued, when a
    // batch is done and when the queue finishes.
    private let condition = NSCondition()
    /// Queued slices not yet taken, in order: (batch tag, slice index, ticket serial).
    private var pending: [(batch: Int, slice: Int, serial: Int)] = []
    private var nextPending = 0
    /// Slices of each queued batch that are not done yet, by ticket serial.
    private var remaining: [Int: Int] = [:]
    private var nextSerial = 0
    private var finishing = false
    private var abandoned = false
    private let group = DispatchGroup()

    /// Starts `workers` threads that run `body` for every slice queued until `finish()`.
    init(workers: Int, body: @escaping Body) {
        let shared = UncheckedSendable((queue: self, body: body))
        for worker in 0..<max(1, workers) {
            // The one place where work crosses threads: each slice goes to exactly one worker, and `body`
            // keeps to the state of its slice and worker (the contract above), so sharing it is safe.
            DispatchQueue.global().async(group: group) {
                shared.value.queue.work(worker, shared.value.body)
            }
        }
    }

    /// Queues the slices `0..<slices` of the producer's batch `batch` (a tag passed back to `body`).
    func enqueue(batch: Int, slices: Int) -> Ticket {
        condition.lock()
        defer { condition.unlock() }
        let serial = nextSerial
        nextSerial += 1
        if nextPending >= 256 {  // drop the slices taken long ago: a long run keeps a short list
            pending.removeFirst(nextPending)
            nextPending = 0
        }
        for slice in 0..<slices { pending.append((batch, slice, serial)) }
        remaining[serial] = slices
        condition.broadcast()
        return Ticket(serial: serial)
    }

    /// Returns when every slice of the ticket's batch is done (at once for a batch of no slices).
    func wait(for ticket: Ticket) {
        condition.lock()
        defer { condition.unlock() }
        while let left = remaining[ticket.serial], left > 0 { condition.wait() }
        remaining[ticket.serial] = nil
    }

    /// Ends the workers: after every queued slice is done, or (`abandoning`) after the slices in
    /// progress. Returns when no worker runs; later calls return at once.
    func finish(abandoning: Bool = false) {
        condition.lock()
        finishing = true
        if abandoning { abandoned = true }
        condition.broadcast()
        condition.unlock()
        group.wait()
    }

    private func work(_ worker: Int, _ body: Body) {
        condition.lock()
        while true {
            if abandoned || (finishing && nextPending == pending.count) { break }
            guard nextPending < pending.count else {
                condition.wait()
                continue
            }
            let task = pending[nextPending]
            nextPending += 1
            condition.unlock()
            body(task.batch, task.slice, worker)
            condition.lock()
            let left = remaining[task.serial]! - 1  // the entry stays until its last slice is done
            remaining[task.serial] = left
            if left == 0 { condition.broadcast() }
        }
        condition.unlock()
    }
}
