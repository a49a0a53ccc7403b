import ArgumentParser
import Foundation

/// CPU seconds of a process from `/proc/<pid>/stat`: its own (user + system) and its waited-for
/// children's; resident memory from `/proc/<pid>/status`.
struct ProcessTimes {
    var own: Double
    var children: Double

    init(pid: pid_t) throws {
        let stat = try String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)
        guard let close = stat.lastIndex(of: ")") else { throw ValidationError("unreadable /proc/\(pid)/stat") }
        // After "pid (comm)": state is field 3, utime 14, stime 15, cutime 16, cstime 17.
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        let ticks = Double(sysconf(Int32(_SC_CLK_TCK)))
        func field(_ number: Int) -> Double { Double(fields[number - 3]) ?? 0 }
        own = (field(14) + field(15)) / ticks
        children = (field(16) + field(17)) / ticks
    }

    /// `VmRSS` and `VmHWM` in KiB.
    static func memory(pid: pid_t) throws -> (resident: Int, peak: Int) {
        let status = try String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)
        func value(_ name: String) -> Int {
            let line = status.split(separator: "\n").first { $0.hasPrefix(name + ":") } ?? ""
            return Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "") ?? 0
        }
        return (value("VmRSS"), value("VmHWM"))
    }
}


/// CPU seconds spent by the benchmark process (with the children it waited for) and by a server
/// process between `init` and `elapsed()`, so a figure can say where the time went.
struct CPUMeter {
    let serverPID: pid_t
    let clientStart: Double
    let serverStart: Double

    init(server: pid_t) throws {
        serverPID = server
        let client = try ProcessTimes(pid: getpid())
        clientStart = client.own + client.children
        serverStart = try ProcessTimes(pid: server).own
    }

    func elapsed() throws -> (client: Double, server: Double) {
        let client = try ProcessTimes(pid: getpid())
        return (client.own + client.children - clientStart, try ProcessTimes(pid: serverPID).own - serverStart)
    }
}
