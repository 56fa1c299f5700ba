import EmergentAgents
import Testing

@Suite("Agent limits")
struct AgentLimitsTests {
    @Test("the default tool-round cap is 10")
    func defaults() {
        #expect(AgentLimits().maxToolRounds == 10)
    }
}
