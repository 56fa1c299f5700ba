import EmergentAgents
import GRDB

/// A row of `steps`: one finished ``TrajectoryStep`` of a run, as JSON.
struct StepRow: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "steps"
    static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase

    var runId: String
    var stepIndex: Int
    var step: String
    var createdAt: Int64

    func record() throws(StoreError) -> TrajectoryStep {
        try StoreJSON.decode(TrajectoryStep.self, from: step, "step \(stepIndex) of run \(runId)")
    }
}
