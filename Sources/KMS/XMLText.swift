/// Just enough XML reading for the STS query API: the text of a named element, with the five
/// predefined entities and numeric character references decoded. Namespaces and attributes are ignored.
enum XMLText {
    /// The raw inner text of the first element `name` in `xml` (markup inside is kept), or `nil`.
    static func element(_ name: String, in xml: Substring) -> Substring? {
        var searchStart = xml.startIndex
        while let open = xml[searchStart...].firstRange(of: "<" + name) {
            let afterName = open.upperBound
            guard afterName < xml.endIndex else { return nil }
            let next = xml[afterName]
            if next == ">" || next == " " || next == "\t" || next == "\n" || next == "\r" || next == "/" {
                guard let tagEnd = xml[afterName...].firstIndex(of: ">") else { return nil }
                if xml[xml.index(before: tagEnd)] == "/" { return xml[tagEnd..<tagEnd] }
                let contentStart = xml.index(after: tagEnd)
                guard let close = xml[contentStart...].firstRange(of: "</" + name) else { return nil }
                return xml[contentStart..<close.lowerBound]
            }
            searchStart = afterName
        }
        return nil
    }

    /// The decoded text of the element at `path` (each step searched inside the previous one).
    static func text(_ path: [String], in xml: String) -> String? {
        var scope = Substring(xml)
        for name in path {
            guard let inner = element(name, in: scope) else { return nil }
            scope = inner
        }
        return decodeEntities(scope).trimmingWhitespace()
    }

    static func decodeEntities(_ text: Substring) -> String {
        guard text.contains("&") else { return String(text) }
        var result = ""
        var index = text.startIndex
        while index < text.endIndex {
            let character = text[index]
            if character == "&", let semicolon = text[index...].firstIndex(of: ";"),
                text.distance(from: index, to: semicolon) <= 10
            {
                let entity = text[text.index(after: index)..<semicolon]
                var replacement: String?
                switch entity {
                case "amp": replacement = "&"
                case "lt": replacement = "<"
                case "gt": replacement = ">"
                case "quot": replacement = "\""
                case "apos": replacement = "'"
                default:
                    if entity.hasPrefix("#x") || entity.hasPrefix("#X"), let value = UInt32(entity.dropFirst(2), radix: 16),
                        let scalar = Unicode.Scalar(value)
                    {
                        replacement = String(Character(scalar))
                    } else if entity.hasPrefix("#"), let value = UInt32(entity.dropFirst()), let scalar = Unicode.Scalar(value) {
                        replacement = String(Character(scalar))
                    }
                }
                if let replacement {
                    result += replacement
                    index = text.index(after: semicolon)
                    continue
                }
            }
            result.append(character)
            index = text.index(after: index)
        }
        return result
    }
}
