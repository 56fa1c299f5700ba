import GRDB

extension StoreError {
    /// A store error for what failed while working on the database at `path`; a ``StoreError`` passes unchanged.
    static func database(_ error: any Error, path: String, while action: String) -> StoreError {
        if let error = error as? StoreError { return error }
        guard let error = error as? DatabaseError else {
            return .storage("could not \(action) (database '\(path)'): \(error)")
        }
        let reason = error.message ?? "\(error.resultCode)"
        switch error.resultCode {
        case .SQLITE_NOTADB, .SQLITE_CORRUPT:
            return .storage(
                "the database '\(path)' is damaged or is not an SQLite database (\(reason)). Stop Emergent, move the "
                    + "file aside (or restore it from a backup) and start again; a new, empty database is made in its "
                    + "place")
        case .SQLITE_FULL:
            return .storage("could not \(action): the disk holding '\(path)' is full; free some space and retry")
        case .SQLITE_READONLY, .SQLITE_CANTOPEN, .SQLITE_PERM, .SQLITE_AUTH:
            return .storage(
                "could not \(action): the database '\(path)' cannot be opened for writing (\(reason)); check the "
                    + "permissions of the file and its folder")
        case .SQLITE_BUSY, .SQLITE_LOCKED:
            return .storage(
                "could not \(action): the database '\(path)' stayed locked by another process (\(reason)); make sure "
                    + "only one Emergent server uses this home folder")
        case .SQLITE_CONSTRAINT:
            return .conflict("could not \(action): \(reason)")
        default:
            return .storage("could not \(action) (database '\(path)'): \(reason)")
        }
    }
}
