import EmergentAgents
import EmergentCore
import EmergentTools
import GRDB

/// A row of `runs`: a ``StoredRun`` with its usage, citations and artifacts as JSON.
struct RunRow: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "runs"
    static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase

    var id: String
    var agentId: String
    var agentVersion: Int?
    var conversationId: String
    var status: String
    var input: String
    var answer: String?
    var error: String?
    var usage: String
    /// An ``AgentLimit`` raw value.
    var limitHit: String?
    var citations: String
    var artifacts: String
    var createdAt: Int64
    var finishedAt: Int64?
    var durationSeconds: Double?

    init(_ run: StoredRun) throws(StoreError) {
        id = run.id
        agentId = run.agentID
        agentVersion = run.agentVersion
        conversationId = run.conversationID
        status = run.status.rawValue
        input = run.input
        answer = run.answer
        error = run.error
        usage = try StoreJSON.encode(run.usage, "the usage of run \(run.id)")
        limitHit = run.limitHit?.rawValue
        citations = try StoreJSON.encode(run.citations, "the citations of run \(run.id)")
        artifacts = try StoreJSON.encode(run.artifacts, "the artifacts of run \(run.id)")
        createdAt = Milliseconds.from(run.createdAt)
        finishedAt = run.finishedAt.map(Milliseconds.from)
        durationSeconds = run.durationSeconds
    }

    /// Records how the run ended.
    mutating func finish(_ outcome: RunOutcome, at now: Int64) throws(StoreError) {
        status = outcome.status.rawValue
        answer = outcome.answer
        error = outcome.error
        usage = try StoreJSON.encode(outcome.usage, "the usage of run \(id)")
        limitHit = outcome.limitHit?.rawValue
        citations = try StoreJSON.encode(outcome.citations, "the citations of run \(id)")
        artifacts = try StoreJSON.encode(outcome.artifacts, "the artifacts of run \(id)")
        finishedAt = now
        durationSeconds = outcome.durationSeconds
    }

    func record() throws(StoreError) -> StoredRun {
        guard let runStatus = RunStatus(rawValue: status) else {
            throw StoreError.storage(
                "run \(id) has the status '\(status)', which this version of Emergent does not know")
        }
        var limit: AgentLimit?
        if let limitHit {
            guard let known = AgentLimit(rawValue: limitHit) else {
                throw StoreError.storage(
                    "run \(id) hit the limit '\(limitHit)', which this version of Emergent does not know")
            }
            limit = known
        }
        return StoredRun(
            id: id, agentID: agentId, agentVersion: agentVersion, conversationID: conversationId, status: runStatus,
            input: input, answer: answer, error: error,
            usage: try StoreJSON.decode(Usage.self, from: usage, "usage of run \(id)"), limitHit: limit,
            citations: try StoreJSON.decode([Citation].self, from: citations, "citations of run \(id)"),
            artifacts: try StoreJSON.decode([StoredArtifact].self, from: artifacts, "artifacts of run \(id)"),
            createdAt: Milliseconds.date(createdAt), finishedAt: finishedAt.map(Milliseconds.date),
            durationSeconds: durationSeconds)
    }
}
