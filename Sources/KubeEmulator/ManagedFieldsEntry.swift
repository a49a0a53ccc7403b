/// One `metadata.managedFields[]` entry with its decoded field set.
struct ManagedFieldsEntry: Sendable, Equatable {
    enum Operation: String, Sendable {
        case apply = "Apply"
        case update = "Update"
    }

    var manager: String
    var operation: Operation
    var apiVersion: String
    var time: String
    var subresource: String
    var fields: FieldSet

    /// Apply entries are one per (manager, subresource); Update entries also per apiVersion.
    func hasIdentity(manager: String, operation: Operation, apiVersion: String, subresource: String) -> Bool {
        guard self.manager == manager, self.operation == operation, self.subresource == subresource else { return false }
        return operation == .apply || self.apiVersion == apiVersion
    }

    /// The manager as conflict messages print it (`"kubectl" using apps/v1`).
    var conflictName: String {
        var text = "\"\(manager)\""
        if !subresource.isEmpty { text += " with subresource \"\(subresource)\"" }
        if operation == .update { text += " using \(apiVersion)" }
        return text
    }

    var json: JSONValue {
        var value: JSONValue = .object([
            "manager": .string(manager),
            "operation": .string(operation.rawValue),
            "apiVersion": .string(apiVersion),
            "time": .string(time),
            "fieldsType": .string("FieldsV1"),
            "fieldsV1": fields.fieldsV1,
        ])
        if !subresource.isEmpty { value["subresource"] = .string(subresource) }
        return value
    }

    init(manager: String, operation: Operation, apiVersion: String, time: String, subresource: String, fields: FieldSet) {
        self.manager = manager
        self.operation = operation
        self.apiVersion = apiVersion
        self.time = time
        self.subresource = subresource
        self.fields = fields
    }

    init?(json: JSONValue) {
        guard let manager = json["manager"].stringValue,
              let operation = Operation(rawValue: json["operation"].stringValue ?? "") else { return nil }
        self.manager = manager
        self.operation = operation
        self.apiVersion = json["apiVersion"].stringValue ?? ""
        self.time = json["time"].stringValue ?? ""
        self.subresource = json["subresource"].stringValue ?? ""
        self.fields = FieldSet(fieldsV1: json["fieldsV1"])
    }
}
