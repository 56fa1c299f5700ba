/// The evaluation lab: measuring models and agents, and preparing training data. This part holds the "emergence
/// from loss" analysis (measure checkpoints, fit performance against pre-training loss, report) and LongAlign's
/// packing of long-context fine-tuning data.
public enum EmergentEval {
    /// The lab's version, written into reports and indexes.
    public static let version = "0.1.0"
}
