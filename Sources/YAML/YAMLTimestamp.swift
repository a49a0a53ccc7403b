/// A YAML timestamp as go-yaml v3 reads it into a Go `time.Time`: a wall clock with a fixed UTC
/// offset. Parsing follows the layouts go-yaml and Go's RFC 3339 parser accept; printing follows
/// `MarshalText` and `Format(time.RFC3339)`, which is what sops hashes, uses as MAC AAD and writes out.
public struct YAMLTimestamp: Sendable, Hashable {
    public var year: Int
    public var month: Int
    public var day: Int
    public var hour: Int
    public var minute: Int
    public var second: Int
    public var nanosecond: Int
    /// Offset from UTC in seconds (0 prints as `Z`).
    public var offsetSeconds: Int

    public init(year: Int, month: Int, day: Int, hour: Int = 0, minute: Int = 0, second: Int = 0, nanosecond: Int = 0, offsetSeconds: Int = 0) {
        self.year = year
        self.month = month
        self.day = day
        self.hour = hour
        self.minute = minute
        self.second = second
        self.nanosecond = nanosecond
        self.offsetSeconds = offsetSeconds
    }

    /// `time.Time.MarshalText` (RFC 3339 with trailing-zero-trimmed nanoseconds); `nil` outside years 0…9999.
    public var marshalText: String? {
        guard (0...9999).contains(year) else { return nil }
        return format(nanoseconds: true)
    }

    /// `Format(time.RFC3339)`: seconds precision.
    public var rfc3339: String { format(nanoseconds: false) }

    private func format(nanoseconds: Bool) -> String {
        func pad(_ value: Int, _ width: Int) -> String {
            let text = String(value)
            return text.count >= width ? text : String(repeating: "0", count: width - text.count) + text
        }
        var text = year < 0 ? "-" + pad(-year, 4) : pad(year, 4)
        text += "-" + pad(month, 2) + "-" + pad(day, 2) + "T" + pad(hour, 2) + ":" + pad(minute, 2) + ":" + pad(second, 2)
        if nanoseconds, nanosecond > 0 {
            var fraction = pad(nanosecond, 9)
            while fraction.hasSuffix("0") { fraction.removeLast() }
            text += "." + fraction
        }
        if offsetSeconds == 0 {
            text += "Z"
        } else {
            let magnitude = abs(offsetSeconds) / 60
            text += (offsetSeconds < 0 ? "-" : "+") + pad(magnitude / 60, 2) + ":" + pad(magnitude % 60, 2)
        }
        return text
    }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2:
            let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
            return leap ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// The timestamps go-yaml v3 resolves from a plain scalar: `2006-1-2T15:4:5.999999999Z07:00`
    /// (also with `t`), `2006-1-2 15:4:5.999999999` (UTC) and `2006-1-2`.
    public static func parseYAML(_ text: String) -> YAMLTimestamp? {
        var scanner = TimeScanner(Array(text.utf8))
        guard let year = scanner.fixedNumber(4), scanner.consume(UInt8(ascii: "-")),
            let month = scanner.shortNumber(), (1...12).contains(month), scanner.consume(UInt8(ascii: "-")),
            let day = scanner.shortNumber(), (1...31).contains(day)
        else { return nil }
        guard day <= daysIn(month: month, year: year) else { return nil }
        if scanner.atEnd { return YAMLTimestamp(year: year, month: month, day: day) }
        let separator = scanner.next()
        guard separator == UInt8(ascii: "T") || separator == UInt8(ascii: "t") || separator == UInt8(ascii: " ") else { return nil }
        guard let hour = scanner.shortNumber(), hour < 24, scanner.consume(UInt8(ascii: ":")),
            let minute = scanner.shortNumber(), minute < 60, scanner.consume(UInt8(ascii: ":")),
            let second = scanner.shortNumber(), second < 60
        else { return nil }
        let nanosecond = scanner.fraction()
        var offset = 0
        if separator == UInt8(ascii: " ") {
            guard scanner.atEnd else { return nil }
        } else {
            guard let zone = scanner.zone() else { return nil }
            offset = zone
        }
        guard scanner.atEnd else { return nil }
        return YAMLTimestamp(year: year, month: month, day: day, hour: hour, minute: minute, second: second,
            nanosecond: nanosecond, offsetSeconds: offset)
    }

    /// Go's `time.Parse(time.RFC3339, s)` (also what `UnmarshalText` accepts): fixed-width fields,
    /// optional fraction (`.` or `,`), `Z` or `±hh:mm`.
    public static func parseRFC3339(_ text: String) -> YAMLTimestamp? {
        var scanner = TimeScanner(Array(text.utf8))
        guard let year = scanner.fixedNumber(4), scanner.consume(UInt8(ascii: "-")),
            let month = scanner.fixedNumber(2), (1...12).contains(month), scanner.consume(UInt8(ascii: "-")),
            let day = scanner.fixedNumber(2), day >= 1, day <= daysIn(month: month, year: year),
            scanner.consume(UInt8(ascii: "T")),
            let hour = scanner.fixedNumber(2), hour < 24, scanner.consume(UInt8(ascii: ":")),
            let minute = scanner.fixedNumber(2), minute < 60, scanner.consume(UInt8(ascii: ":")),
            let second = scanner.fixedNumber(2), second < 60
        else { return nil }
        let nanosecond = scanner.fraction()
        guard let offset = scanner.zone(), scanner.atEnd else { return nil }
        return YAMLTimestamp(year: year, month: month, day: day, hour: hour, minute: minute, second: second,
            nanosecond: nanosecond, offsetSeconds: offset)
    }
}

private struct TimeScanner {
    let bytes: [UInt8]
    var index = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    var atEnd: Bool { index >= bytes.count }

    private func isDigit(_ position: Int) -> Bool {
        position < bytes.count && bytes[position] >= 0x30 && bytes[position] <= 0x39
    }

    mutating func next() -> UInt8? {
        guard index < bytes.count else { return nil }
        defer { index += 1 }
        return bytes[index]
    }

    mutating func consume(_ byte: UInt8) -> Bool {
        guard index < bytes.count, bytes[index] == byte else { return false }
        index += 1
        return true
    }

    mutating func fixedNumber(_ width: Int) -> Int? {
        guard index + width <= bytes.count else { return nil }
        var value = 0
        for position in index..<(index + width) {
            guard isDigit(position) else { return nil }
            value = value * 10 + Int(bytes[position] - 0x30)
        }
        index += width
        return value
    }

    /// One or two digits, as Go's non-fixed layout elements (`1`, `2`, `15`, `4`, `5`) read them.
    mutating func shortNumber() -> Int? {
        guard isDigit(index) else { return nil }
        if isDigit(index + 1) { return fixedNumber(2) }
        return fixedNumber(1)
    }

    /// An optional `.digits` or `,digits` fraction in nanoseconds (digits past the ninth are ignored).
    mutating func fraction() -> Int {
        guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: ".") || bytes[index] == UInt8(ascii: ","), isDigit(index + 1) else {
            return 0
        }
        index += 1
        var value = 0
        var count = 0
        while isDigit(index) {
            if count < 9 {
                value = value * 10 + Int(bytes[index] - 0x30)
                count += 1
            }
            index += 1
        }
        while count < 9 {
            value *= 10
            count += 1
        }
        return value
    }

    /// `Z` or `±hh:mm`, as seconds east of UTC.
    mutating func zone() -> Int? {
        if consume(UInt8(ascii: "Z")) { return 0 }
        guard let sign = next(), sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-"),
            let hours = fixedNumber(2), consume(UInt8(ascii: ":")), let minutes = fixedNumber(2),
            hours <= 24, minutes <= 60
        else { return nil }
        let seconds = (hours * 60 + minutes) * 60
        return sign == UInt8(ascii: "-") ? -seconds : seconds
    }
}
