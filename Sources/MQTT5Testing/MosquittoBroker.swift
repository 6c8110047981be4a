public import Foundation
import NIOCore
import NIOPosix

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A private mosquitto broker process for integration tests.
///
/// Starts `mosquitto` on a free loopback port with a configuration file it writes (anonymous
/// access, no persistence unless asked, TCP_NODELAY on its sockets), waits until the broker accepts connections, and stops
/// it by PID. It never uses a system service.
///
/// ```swift
/// let broker = try await MosquittoBroker.start()
/// defer { broker.stop() }
/// // connect to 127.0.0.1:\(broker.port)
/// ```
public final class MosquittoBroker: @unchecked Sendable {
    /// How to configure the broker.
    public struct Configuration: Sendable {
        /// The TCP port of the main listener; `nil` picks a free port.
        public var port: Int?
        /// Whether clients may connect without credentials.
        public var allowAnonymous: Bool = true
        /// Extra lines appended to the generated configuration (extra listeners, `password_file`, `acl_file`...).
        /// `{dir}` is replaced by the broker's working directory.
        public var extraConfiguration: String = ""
        /// How long to wait for the broker to accept connections.
        public var startTimeout: Duration = .seconds(10)

        /// The default configuration: anonymous, no persistence, a free port.
        public init() {}
    }

    /// The loopback host the broker listens on.
    public let host = "127.0.0.1"
    /// The port of the main listener.
    public let port: Int
    /// The broker's working directory (configuration and log file).
    public let directory: URL
    /// The configuration it was started with.
    public let configuration: Configuration

    private let lock = NSLock()
    private var process: SpawnedProcess?

    /// Whether a `mosquitto` binary can be found.
    public static var isAvailable: Bool { executableURL != nil }

    /// The environment variable that says mosquitto must be installed (`MQTT_RPC_REQUIRE_BROKER`).
    ///
    /// CI sets it (`.ci/run`), so that a broken install step fails the suite instead of skipping
    /// every integration test and leaving it green.
    public static let requirementEnvironmentVariable = "MQTT_RPC_REQUIRE_BROKER"

    /// Whether the environment requires mosquitto: ``requirementEnvironmentVariable`` is set to
    /// anything but empty, `0`, `false` or `no`.
    public static var isRequired: Bool {
        guard let value = ProcessInfo.processInfo.environment[requirementEnvironmentVariable] else { return false }
        return !["", "0", "false", "no"].contains(value.lowercased())
    }

    /// Whether tests that need mosquitto should run: it is installed, or the environment requires
    /// it (``isRequired``), in which case they run and fail at ``start(_:)`` instead of being skipped.
    ///
    /// ```swift
    /// @Suite(.enabled(if: MosquittoBroker.shouldRunTests)) struct MyBrokerTests { ... }
    /// ```
    public static var shouldRunTests: Bool { isAvailable || isRequired }

    static var executableURL: URL? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        let candidates =
            path.split(separator: ":").map(String.init) + ["/usr/sbin", "/usr/local/sbin", "/opt/homebrew/sbin"]
        for dir in candidates {
            let url = URL(fileURLWithPath: dir).appendingPathComponent("mosquitto")
            if FileManager.default.isExecutableFile(atPath: url.path) { return url }
        }
        return nil
    }

    /// Starts a broker and waits until it accepts TCP connections.
    ///
    /// - Throws: ``MosquittoError`` when mosquitto is missing, exits early or does not come up in time.
    public static func start(_ configuration: Configuration = .init()) async throws -> MosquittoBroker {
        guard let executable = executableURL else {
            var message = "mosquitto not found on PATH or in /usr/sbin; install it (apt-get install -y mosquitto)"
            if isRequired {
                message +=
                    ". \(requirementEnvironmentVariable) is set, so tests that need it fail instead of being skipped"
            }
            throw MosquittoError(code: .notInstalled, message: message)
        }
        let port = try configuration.port ?? freePort()
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent(
            "mosquitto-\(port)-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let broker = MosquittoBroker(executable: executable, port: port, directory: dir, configuration: configuration)
        try await broker.launch()
        return broker
    }

    private let executable: URL

    private init(executable: URL, port: Int, directory: URL, configuration: Configuration) {
        self.executable = executable
        self.port = port
        self.directory = directory
        self.configuration = configuration
    }

    deinit { stop() }

    /// The mosquitto configuration file this broker runs with.
    public var configurationFile: URL { directory.appendingPathComponent("mosquitto.conf") }
    /// The broker's log file.
    public var logFile: URL { directory.appendingPathComponent("mosquitto.log") }

    private func writeConfiguration() throws {
        var lines = [
            "per_listener_settings false",
            "allow_anonymous \(configuration.allowAnonymous)",
            "persistence false",
            // Without it every request round trip stalls ~40 ms on Nagle + delayed ACK.
            "set_tcp_nodelay true",
            "log_dest file \(logFile.path)",
            "log_type error",
            "log_type warning",
            "log_type notice",
            "listener \(port) \(host)",
        ]
        if getuid() == 0 { lines.insert("user root", at: 0) }
        lines.append(configuration.extraConfiguration.replacingOccurrences(of: "{dir}", with: directory.path))
        try (lines.joined(separator: "\n") + "\n").write(to: configurationFile, atomically: true, encoding: .utf8)
    }

    private func launch() async throws {
        try writeConfiguration()
        let process = try SpawnedProcess(executable: executable.path, arguments: ["-c", configurationFile.path])
        lock.withLock { self.process = process }
        let deadline = ContinuousClock.now + configuration.startTimeout
        while ContinuousClock.now < deadline {
            if !process.isRunning {
                let log = (try? String(contentsOf: logFile, encoding: .utf8)) ?? ""
                throw MosquittoError(code: .startFailed, message: "mosquitto exited during start-up: \(log)")
            }
            if Self.acceptsConnections(host: host, port: port) { return }
            try await Task.sleep(for: .milliseconds(20))
        }
        stop()
        throw MosquittoError(
            code: .startFailed,
            message: "mosquitto did not accept connections on \(host):\(port) within \(configuration.startTimeout)")
    }

    /// The PID of the running broker, or `nil` when it is stopped.
    public var pid: Int32? {
        lock.withLock { process?.isRunning == true ? process?.pid : nil }
    }

    /// Stops the broker with SIGTERM and waits (at most 5 s, then SIGKILL) for it to exit.
    public func stop() {
        terminate(signal: SIGTERM)
    }

    /// Kills the broker abruptly with SIGKILL, as a crash would.
    public func kill() {
        terminate(signal: SIGKILL)
    }

    private func terminate(signal: Int32) {
        let process: SpawnedProcess? = lock.withLock {
            defer { self.process = nil }
            return self.process
        }
        process?.terminate(signal: signal, grace: .seconds(5))
    }

    /// Starts the broker again on the same port with the same configuration (after ``stop()`` or ``kill()``).
    public func restart() async throws {
        stop()
        try await launch()
    }

    // MARK: Helpers

    /// A TCP port on 127.0.0.1 that was free a moment ago.
    public static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw MosquittoError(code: .systemCallFailed, message: "socket() failed") }
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = 0
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, len) }
        }
        guard bound == 0 else { throw MosquittoError(code: .systemCallFailed, message: "bind() failed") }
        let named = withUnsafeMutablePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) }
        }
        guard named == 0 else { throw MosquittoError(code: .systemCallFailed, message: "getsockname() failed") }
        return Int(UInt16(bigEndian: addr.sin_port))
    }

    /// Whether a TCP connection to 127.0.0.1:`port` succeeds right now.
    public static func acceptsConnectionsForTests(port: Int) -> Bool {
        acceptsConnections(host: "127.0.0.1", port: port)
    }

    static func acceptsConnections(host: String, port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = UInt16(port).bigEndian
        addr.sin_addr.s_addr = inet_addr(host)
        let result = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        return result == 0
    }
}

/// An error starting or controlling a ``MosquittoBroker``.
///
/// Shaped like the package's other errors: a ``code`` to switch on, a ``message`` for people
/// and the underlying ``cause``.
public struct MosquittoError: Error, Sendable, CustomStringConvertible {
    /// What went wrong, as an extensible set of codes (compare with the static members).
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        enum Wrapped: Hashable, Sendable { case notInstalled, startFailed, systemCallFailed }

        let wrapped: Wrapped

        /// No mosquitto executable was found.
        public static let notInstalled = Code(wrapped: .notInstalled)
        /// mosquitto exited during start-up or did not accept connections in time.
        public static let startFailed = Code(wrapped: .startFailed)
        /// A system call (spawning, choosing a port) failed.
        public static let systemCallFailed = Code(wrapped: .systemCallFailed)

        /// The code's name, e.g. `notInstalled`.
        public var description: String { "\(wrapped)" }
    }

    /// What went wrong.
    public var code: Code
    /// A description for people.
    public var message: String
    /// The underlying error, if any.
    public var cause: (any Error)?

    /// Creates an error.
    ///
    /// - Parameters:
    ///   - code: What went wrong.
    ///   - message: A description for people.
    ///   - cause: The underlying error, if any.
    public init(code: Code, message: String, cause: (any Error)? = nil) {
        self.code = code
        self.message = message
        self.cause = cause
    }

    /// `code: message (cause: ...)`.
    public var description: String {
        var text = "\(code): \(message)"
        if let cause { text += " (cause: \(cause))" }
        return text
    }
}
