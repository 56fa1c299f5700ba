import EmergentEval
import Testing

@Test("the lab reports a version")
func labVersion() {
    #expect(!EmergentEval.version.isEmpty)
}
