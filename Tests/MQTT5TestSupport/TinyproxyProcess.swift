public import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A private tinyproxy (HTTP CONNECT proxy) for integration tests, in the manner of
/// `MosquittoBroker`: started in the foreground on a free loopback port with a configuration
/// file the test writes, stopped by PID; never a system service.
public final class TinyproxyProcess: @unchecked Sendable {
    /// How to configure the proxy.
    public struct Configuration: Sendable {
        /// The ports CONNECT may reach (tinyproxy answers 403 for the others).
        public var connectPorts: [Int]
        /// `BasicAuth` credentials; `nil` lets anyone through.
        public var basicAuth: (user: String, password: String)?

        /// Creates a configuration.
        public init(connectPorts: [Int], basicAuth: (user: String, password: String)? = nil) {
            self.connectPorts = connectPorts
            self.basicAuth = basicAuth
        }
    }

    /// The loopback port the proxy listens on.
    public let port: Int
    /// The proxy's working directory (configuration and log).
    public let directory: URL
    private let process: Process

    /// Whether a `tinyproxy` binary is installed.
    public static var executablePath: String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        for dir in path.split(separator: ":").map(String.init) + ["/usr/bin", "/usr/sbin", "/usr/local/bin"] {
            let candidate = "\(dir)/tinyproxy"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    /// Whether proxy tests should run: tinyproxy is installed, or CI requires the integration
    /// tools (`MQTT_RPC_REQUIRE_BROKER`), in which case they fail at ``start(_:port:)``.
    public static var shouldRunTests: Bool {
        if executablePath != nil { return true }
        let required = ProcessInfo.processInfo.environment["MQTT_RPC_REQUIRE_BROKER"] ?? ""
        return !["", "0", "false", "no"].contains(required.lowercased())
    }

    /// Starts tinyproxy on `port` and waits until it accepts connections.
    ///
    /// - Parameters:
    ///   - configuration: Allowed CONNECT ports and credentials.
    ///   - port: The listening port.
    public static func start(_ configuration: Configuration, port: Int) async throws -> TinyproxyProcess {
        guard let executable = executablePath else {
            throw TestTimeout("tinyproxy is not installed (apt-get install -y tinyproxy)")
        }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "tinyproxy-\(port)-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        var lines = [
            "Port \(port)",
            "Listen 127.0.0.1",
            "Timeout 30",
            "MaxClients 50",
            "LogLevel Info",
            "LogFile \"\(directory.path)/tinyproxy.log\"",
            "PidFile \"\(directory.path)/tinyproxy.pid\"",
            "DisableViaHeader Yes",
        ]
        lines += configuration.connectPorts.map { "ConnectPort \($0)" }
        if let auth = configuration.basicAuth { lines.append("BasicAuth \(auth.user) \(auth.password)") }
        let file = directory.appendingPathComponent("tinyproxy.conf")
        try (lines.joined(separator: "\n") + "\n").write(to: file, atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = ["-d", "-c", file.path]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let proxy = TinyproxyProcess(port: port, directory: directory, process: process)
        let deadline = ContinuousClock.now + .seconds(10)
        while ContinuousClock.now < deadline {
            guard process.isRunning else {
                throw TestTimeout("tinyproxy exited during start-up: \(proxy.log)")
            }
            if Self.acceptsConnections(port: port) { return proxy }
            try await Task.sleep(for: .milliseconds(20))
        }
        proxy.stop()
        throw TestTimeout("tinyproxy did not listen on 127.0.0.1:\(port) within 10 s")
    }

    private init(port: Int, directory: URL, process: Process) {
        self.port = port
        self.directory = directory
        self.process = process
    }

    deinit { stop() }

    /// The proxy's log (requests and refusals).
    public var log: String {
        (try? String(contentsOf: directory.appendingPathComponent("tinyproxy.log"), encoding: .utf8)) ?? ""
    }

    /// Stops the proxy with SIGKILL, without waiting: tinyproxy's own SIGTERM handling can take a
    /// second (its main loop wakes up on a timer), and a test must not hold a cooperative thread
    /// that long. Foundation's `Process` reaps it.
    public func stop() {
        guard process.isRunning else { return }
        kill(process.processIdentifier, SIGKILL)
    }

    private static func acceptsConnections(port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        return result == 0
    }
}
