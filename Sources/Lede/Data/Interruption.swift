#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// SIGINT, SIGTERM and SIGHUP as a request to stop, honoured at the next safe point: between records, and
/// while waiting for input or for room to write output. A wait for input is woken through a pipe the
/// handler writes to; a blocked write, because the handler sends the signal on to the thread that called
/// `install()` (the one that reads and writes), where the system call then returns EINTR (no SA_RESTART).
///
/// Until a command calls `install()`, nothing is caught and the waits below are plain blocking waits.
public enum Interruption {
    /// The signal that asked to stop, once one did.
    public struct Requested: Error, CustomStringConvertible {
        public let signal: Int32
        /// The conventional exit status for a process ended by `signal`: 128 + its number.
        public var exitStatus: Int32 { 128 + signal }
        public var description: String { "interrupted by signal \(signal)" }
    }

    // Lock-free atomics: what the signal handler reads and writes, safely from any thread and from the
    // handler itself.
    private static let received = Atomic<Int32>(0)
    /// Read and write ends of the wake-up pipe (-1 before `install()`).
    private static let wakeRead = Atomic<Int32>(-1)
    private static let wakeWrite = Atomic<Int32>(-1)
    /// The thread that installed the handlers: the one whose blocked calls must return.
    private static let mainThread = Atomic<UInt>(0)

    /// Catches SIGINT, SIGTERM and SIGHUP from now on (once per process).
    public static func install() {
        guard wakeRead.load(ordering: .acquiring) < 0 else { return }
        // Initialized here, never first inside a handler.
        _ = (received.load(ordering: .relaxed), wakeWrite.load(ordering: .relaxed), mainThread.load(ordering: .relaxed))
        var ends: [Int32] = [-1, -1]
        guard pipe(&ends) == 0 else { return }
        for end in ends {
            _ = fcntl(end, F_SETFL, fcntl(end, F_GETFL) | O_NONBLOCK)
            _ = fcntl(end, F_SETFD, FD_CLOEXEC)
        }
        guard wakeRead.compareExchange(expected: -1, desired: ends[0], ordering: .acquiringAndReleasing).exchanged else {
            close(ends[0])
            close(ends[1])
            return  // another thread installed them first
        }
        wakeWrite.store(ends[1], ordering: .releasing)
        mainThread.store(UInt(pthread_self()), ordering: .releasing)
        for signalNumber in [SIGINT, SIGTERM, SIGHUP] {
            var action = sigaction()
            // Only async-signal-safe calls: atomic loads and stores, write, pthread_self, pthread_kill.
            action.__sigaction_handler.sa_handler = { number in
                Interruption.received.store(number, ordering: .relaxed)
                var byte: UInt8 = 1
                _ = Glibc.write(Interruption.wakeWrite.load(ordering: .acquiring), &byte, 1)
                let main = pthread_t(Interruption.mainThread.load(ordering: .acquiring))
                if pthread_equal(pthread_self(), main) == 0 {
                    pthread_kill(main, number)
                }
            }
            sigemptyset(&action.sa_mask)
            action.sa_flags = 0  // no SA_RESTART: a blocked read or write returns EINTR
            sigaction(signalNumber, &action, nil)
        }
    }

    /// The signal received, or nil.
    public static var pending: Int32? {
        let signal = received.load(ordering: .relaxed)
        return signal == 0 ? nil : signal
    }

    /// Throws `Requested` once a signal has asked to stop.
    public static func check() throws {
        if let signal = pending { throw Requested(signal: signal) }
    }

    /// Waits until `fd` has input (or its end) to read, for at most `milliseconds` (-1: no limit); throws
    /// `Requested` if a signal comes first. Returns false on time-out.
    @discardableResult
    public static func waitUntilReadable(_ fd: Int32, milliseconds: Int32 = -1) throws -> Bool {
        try wait(fd, for: Int16(POLLIN), timeout: milliseconds)
    }

    /// Whether reading `fd` would return at once (input or its end is there), without waiting.
    public static func isReadable(_ fd: Int32) -> Bool {
        var descriptor = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        return poll(&descriptor, 1, 0) != 0
    }

    /// Waits until `fd` takes output, for at most `milliseconds` (-1: no limit); throws `Requested` if a
    /// signal comes first. Returns false on time-out.
    @discardableResult
    public static func waitUntilWritable(_ fd: Int32, milliseconds: Int32 = -1) throws -> Bool {
        try wait(fd, for: Int16(POLLOUT), timeout: milliseconds)
    }

    @discardableResult
    private static func wait(_ fd: Int32, for events: Int16, timeout: Int32) throws -> Bool {
        try check()
        let wake = wakeRead.load(ordering: .acquiring)
        guard wake >= 0 else { return true }
        var fds = [pollfd(fd: fd, events: events, revents: 0), pollfd(fd: wake, events: Int16(POLLIN), revents: 0)]
        while true {
            let ready = poll(&fds, 2, timeout)
            try check()
            if ready > 0 || (ready < 0 && errno != EINTR) { return true }
            if ready == 0 { return false }
        }
    }
}
