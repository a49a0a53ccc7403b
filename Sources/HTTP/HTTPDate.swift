#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Parser for the three HTTP-date formats of RFC 9110 §5.6.7: IMF-fixdate
/// (`Sun, 06 Nov 1994 08:49:37 GMT`), obsolete RFC 850 (`Sunday, 06-Nov-94 08:49:37 GMT`) and
/// asctime (`Sun Nov  6 08:49:37 1994`).
enum HTTPDate {
    private static let months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]

    static func parse(_ text: String) -> Date? {
        let tokens = text.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        if tokens.count == 6, tokens[0].hasSuffix(","), tokens[5] == "GMT" {
            // IMF-fixdate
            return date(day: tokens[1], month: tokens[2], year: tokens[3], time: tokens[4], twoDigitYear: false)
        }
        if tokens.count == 4, tokens[0].hasSuffix(","), tokens[3] == "GMT" {
            // RFC 850: day-month-yy
            let parts = tokens[1].split(separator: "-").map(String.init)
            guard parts.count == 3 else { return nil }
            return date(day: parts[0], month: parts[1], year: parts[2], time: tokens[2], twoDigitYear: true)
        }
        if tokens.count == 5, !tokens[0].hasSuffix(",") {
            // asctime: wkday month day time year
            return date(day: tokens[2], month: tokens[1], year: tokens[4], time: tokens[3], twoDigitYear: false)
        }
        return nil
    }

    private static func date(day: String, month: String, year: String, time: String, twoDigitYear: Bool) -> Date? {
        guard let dayNumber = Int(day), (1...31).contains(dayNumber),
            let monthIndex = months.firstIndex(of: month.lowercased()),
            var yearNumber = Int(year)
        else { return nil }
        if twoDigitYear {
            guard year.count == 2 else { return nil }
            yearNumber += yearNumber < 70 ? 2000 : 1900
        } else if year.count != 4 {
            return nil
        }
        let clock = time.split(separator: ":").map { Int($0) }
        guard clock.count == 3, let hour = clock[0], let minute = clock[1], let second = clock[2],
            (0...23).contains(hour), (0...59).contains(minute), (0...60).contains(second)
        else { return nil }
        let days = daysSinceEpoch(year: yearNumber, month: monthIndex + 1, day: dayNumber)
        let seconds = days * 86_400 + Int64(hour * 3600 + minute * 60 + second)
        return Date(timeIntervalSince1970: TimeInterval(seconds))
    }

    /// Days from 1970-01-01 to the given proleptic Gregorian date (Howard Hinnant's algorithm).
    private static func daysSinceEpoch(year: Int, month: Int, day: Int) -> Int64 {
        let shiftedYear = Int64(month <= 2 ? year - 1 : year)
        let era = (shiftedYear >= 0 ? shiftedYear : shiftedYear - 399) / 400
        let yearOfEra = shiftedYear - era * 400
        let shiftedMonth = Int64(month > 2 ? month - 3 : month + 9)
        let dayOfYear = (153 * shiftedMonth + 2) / 5 + Int64(day) - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }
}
