/// Runs `transform` over `items` with at most `limit` in flight, returning results in input order.
func concurrentMap<Item: Sendable, Output: Sendable, Failure: Error>(
    _ items: [Item], limit: Int, _ transform: @escaping @Sendable (Item) async throws(Failure) -> Output
) async throws(Failure) -> [Output] {
    if items.isEmpty { return [] }
    let outcome: Result<[Output], Failure> = await withTaskGroup(of: (Int, Result<Output, Failure>).self) { group in
        var results = [Output?](repeating: nil, count: items.count)
        var next = 0
        var failure: Failure?
        func start() {
            let index = next
            let item = items[index]
            next += 1
            group.addTask {
                do throws(Failure) {
                    return (index, .success(try await transform(item)))
                } catch {
                    return (index, .failure(error))
                }
            }
        }
        while next < min(limit, items.count) { start() }
        while let (index, result) = await group.next() {
            switch result {
            case .success(let output):
                results[index] = output
                if failure == nil && next < items.count { start() }
            case .failure(let error):
                if failure == nil { failure = error }
            }
        }
        if let failure { return .failure(failure) }
        return .success(results.map { $0! })
    }
    return try outcome.get()
}
