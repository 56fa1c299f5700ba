import EmergentAgents
import EmergentCore
import EmergentModels
import EmergentTools
import Foundation
import Logging
import Testing

@Suite("Agent loop (scripted model, real tool calls)")
struct AgentLoopTests {
    let logger = Logger(label: "test.agent")

    func agent(_ replies: [ScriptedModel.Reply], tools: [any Tool] = [AddTool()], limits: AgentLimits = AgentLimits())
        -> (Agent, ScriptedModel)
    {
        let model = ScriptedModel(replies)
        let configuration = AgentConfiguration(name: "test", tools: tools, limits: limits)
        return (Agent(configuration: configuration, model: model, logger: logger), model)
    }

    @Test("a direct answer needs no tools and streams as message deltas")
    func directAnswer() async throws {
        let (agent, _) = agent([.text("Paris is the capital of France.")])
        let run = await RunRecord.of(agent, "Capital of France?", in: Conversation(root: temporaryFolder()))
        #expect(run.names.first == "run.started")
        #expect(run.names.last == "run.completed")
        #expect(!run.names.contains("tool.call"))
        let trajectory = try #require(run.trajectory)
        #expect(trajectory.answer == "Paris is the capital of France.")
        #expect(run.streamedAnswer == trajectory.answer)
        #expect(trajectory.limitHit == nil)
        #expect(trajectory.steps.map(\.kind) == [.model])
    }

    @Test("a tool's result is fed back and each prompt extends the previous one")
    func toolRoundTrip() async throws {
        let (agent, model) = agent([
            .toolCall("add", #"{"a": 2, "b": 40}"#, text: "Let me add. "),
            .toolCall("add", #"{"a": 42, "b": 1}"#),
            .text("The total is 43."),
        ])
        let run = await RunRecord.of(agent, "Add 2, 40 and 1.", in: Conversation(root: temporaryFolder()))
        let trajectory = try #require(run.trajectory)
        #expect(trajectory.answer == "The total is 43.")
        #expect(run.outputs.map(\.text) == ["42.0", "43.0"])
        #expect(trajectory.toolRounds == 2)
        let requests = model.requests
        #expect(requests.count == 3)
        for (earlier, later) in zip(requests, requests.dropFirst()) {
            #expect(Array(later.messages.prefix(earlier.messages.count)) == earlier.messages)
            #expect(later.tools == earlier.tools)
            #expect(later.messages.first == earlier.messages.first)
        }
        #expect(requests[1].messages.last?.role == .tool)
        #expect(requests[1].messages.last?.content == "42.0")
        #expect(trajectory.steps.map(\.kind) == [.model, .tool, .model, .tool, .model])
        let encoded = try trajectory.jsonData()
        let decoded = try Trajectory.decode(encoded)
        let reencoded = try decoded.jsonData()
        #expect(reencoded == encoded, "\(String(decoding: reencoded, as: UTF8.self))\n---\n\(String(decoding: encoded, as: UTF8.self))")
        #expect(decoded.steps.count == trajectory.steps.count)
        #expect(decoded.messages.map(\.content) == trajectory.messages.map(\.content))
    }

    @Test("parallel calls run concurrently: the round takes about as long as the slowest call")
    func parallelCalls() async throws {
        let (agent, _) = agent(
            [
                .toolCalls([("sleep", #"{"seconds": 1}"#), ("sleep", #"{"seconds": 1}"#), ("sleep", #"{"seconds": 1}"#)]),
                .text("Done."),
            ], tools: [SleepTool()])
        let started = ContinuousClock.now
        let run = await RunRecord.of(agent, "Wait three times.", in: Conversation(root: temporaryFolder()))
        let elapsed = ContinuousClock.now - started
        #expect(run.outputs.count == 3)
        #expect(run.outputs.allSatisfy { !$0.isError })
        #expect(elapsed < .milliseconds(2500), "three 1 s calls took \(elapsed); they ran one after another")
    }

    @Test("calls beyond the per-round limit are reported, not run")
    func parallelCap() async throws {
        let calls = (0..<5).map { (name: "add", arguments: #"{"a": \#($0), "b": 0}"#) }
        let (agent, _) = agent([.toolCalls(calls), .text("Done.")], limits: AgentLimits(maxParallelCalls: 3))
        let run = await RunRecord.of(agent, "Add many.", in: Conversation(root: temporaryFolder()))
        let outputs = try #require(run.trajectory).steps.compactMap(\.output)
        #expect(outputs.map(\.isError) == [false, false, false, true, true])
        #expect(outputs.last?.text.contains("at most 3 tool calls run in one round") == true)
    }

    @Test("the tool-round cap ends the run with an answer that names the limit and what was done")
    func roundCap() async throws {
        let replies: [ScriptedModel.Reply] = Array(repeating: .toolCall("add", #"{"a": 1, "b": 1}"#), count: 2)
            + [.toolCall("add", #"{"a": 1, "b": 1}"#, text: "Still adding.")]
        let (agent, model) = agent(replies, limits: AgentLimits(maxToolRounds: 2))
        let run = await RunRecord.of(agent, "Keep adding.", in: Conversation(root: temporaryFolder()))
        let trajectory = try #require(run.trajectory)
        #expect(trajectory.limitHit == .toolRounds)
        #expect(trajectory.answer.hasPrefix("Still adding."))
        #expect(trajectory.answer.contains("limit of 2 tool rounds"))
        #expect(trajectory.answer.contains("add ×2"))
        #expect(run.outputs.count == 2, "the call made at the cap must not run")
        #expect(model.requests.last?.messages.last?.content.contains("limit of 2 tool rounds") == true)
        #expect(run.streamedAnswer == trajectory.answer)
    }

    @Test("a malformed tool call is fed back to the model, which then recovers")
    func malformedCall() async throws {
        let (agent, model) = agent([
            .malformed("<tool_call>{\"name\": \"add\", \"arguments\": {\"a\": 1", reason: "unterminated JSON"),
            .toolCall("add", #"{"a": 1, "b": 2}"#),
            .text("3"),
        ])
        let run = await RunRecord.of(agent, "1+2?", in: Conversation(root: temporaryFolder()))
        #expect(run.trajectory?.answer == "3")
        let feedback = try #require(model.requests.dropFirst().first?.messages.last)
        #expect(feedback.role == .user)
        #expect(feedback.content.contains("could not be read"))
        #expect(feedback.content.contains("unterminated JSON"))
    }

    @Test(
        "bad calls become observations the model can recover from",
        arguments: [
            (#"{"a": 1, "b": "#, "add", "not valid JSON"),
            (#"{"a": "one", "b": 2}"#, "add", "do not match the tool's schema"),
            (#"{}"#, "multiply", "no tool named \"multiply\""),
            (#"{}"#, "flaky", "the service answered 503"),
        ])
    func badCalls(arguments: String, name: String, expected: String) async throws {
        let (agent, model) = agent(
            [.toolCall(name, arguments), .text("Sorry.")], tools: [AddTool(), FailingTool()])
        let run = await RunRecord.of(agent, "Go.", in: Conversation(root: temporaryFolder()))
        let output = try #require(run.outputs.first)
        #expect(output.isError)
        #expect(output.text.contains(expected), "observation was: \(output.text)")
        #expect(model.requests.count == 2)
        #expect(model.requests[1].messages.last?.content.contains(expected) == true)
        #expect(run.trajectory?.status == .completed)
    }

    @Test("a tool that overruns its timeout is abandoned and reported, even if it ignores cancellation")
    func toolTimeout() async throws {
        let (agent, _) = agent(
            [.toolCall("sleep", #"{"seconds": 5}"#), .text("It timed out.")],
            tools: [SleepTool(cooperative: false)], limits: AgentLimits(toolTimeoutSeconds: 0.5))
        let started = ContinuousClock.now
        let run = await RunRecord.of(agent, "Wait.", in: Conversation(root: temporaryFolder()))
        #expect(ContinuousClock.now - started < .seconds(3))
        let output = try #require(run.outputs.first)
        #expect(output.isError)
        #expect(output.text.contains("timed out after 0.5 s"))
        #expect(run.trajectory?.answer == "It timed out.")
    }

    @Test("the wall-time limit stops a slow model and still answers")
    func wallTime() async throws {
        let slow = ScriptedModel.Reply.text("This answer is far too slow to arrive in time", pause: .milliseconds(300))
        let (agent, _) = agent([slow], limits: AgentLimits(maxWallSeconds: 0.5))
        let run = await RunRecord.of(agent, "Hurry.", in: Conversation(root: temporaryFolder()))
        let trajectory = try #require(run.trajectory)
        #expect(trajectory.limitHit == .wallTime)
        #expect(trajectory.answer.contains("time limit of 0.5 s"))
        #expect(trajectory.durationSeconds < 2)
    }

    @Test("a model failure ends the run with run.failed and a message")
    func modelFailure() async throws {
        let (agent, _) = agent([.toolCall("add", #"{"a": 1, "b": 1}"#)])  // the second call has no reply
        let run = await RunRecord.of(agent, "Add.", in: Conversation(root: temporaryFolder()))
        #expect(run.names.last == "run.failed")
        let trajectory = try #require(run.trajectory)
        #expect(trajectory.status == .failed)
        #expect(trajectory.error?.contains("The model failed") == true)
        #expect(trajectory.error?.contains("no reply for call 2") == true)
        #expect(trajectory.steps.contains { $0.kind == .tool })
    }

    @Test("citations in the answer resolve to the sources the tools read")
    func citations() async throws {
        let (agent, _) = agent(
            [.toolCall("page", "{}"), .text("GDP fell in 2020【0†World GDP】, as did trade【7†unknown】.")],
            tools: [PageTool()])
        let run = await RunRecord.of(agent, "When did GDP fall?", in: Conversation(root: temporaryFolder()))
        let citations = try #require(run.trajectory?.citations)
        #expect(citations.count == 1)
        #expect(citations.first?.url == "https://example.org/gdp")
        #expect(citations.first?.quote == "GDP fell in 2020.")
    }

    @Test("a conversation continues across runs")
    func continuation() async throws {
        let (agent, model) = agent([.text("Hello, Ada."), .text("You are Ada.")])
        let conversation = Conversation(root: temporaryFolder())
        _ = await RunRecord.of(agent, "I am Ada.", in: conversation)
        _ = await RunRecord.of(agent, "Who am I?", in: conversation)
        let second = try #require(model.requests.last)
        #expect(second.messages.map(\.content).contains("I am Ada."))
        #expect(second.messages.map(\.content).contains("Hello, Ada."))
        #expect(await conversation.messages.count == 4)
    }

    @Test("the token budget stops the run and says so")
    func tokenBudget() async throws {
        let long = String(repeating: "word ", count: 200)
        let (agent, _) = agent(
            [.toolCall("add", #"{"a": 1, "b": 1}"#, text: long), .text("unreachable")],
            limits: AgentLimits(maxTokens: 100))
        let run = await RunRecord.of(agent, "Go.", in: Conversation(root: temporaryFolder()))
        let trajectory = try #require(run.trajectory)
        #expect(trajectory.limitHit == .tokens)
        #expect(trajectory.answer.contains("limit of 100 generated tokens"))
    }
}

@Suite("Agent runs that are cancelled")
struct AgentCancellationTests {
    @Test("dropping the event stream cancels the run: the model call stops and its tool call never runs")
    func dropStream() async throws {
        let counter = CountingTool()
        let slowCall = ScriptedModel.Reply(
            events: [.content("Counting. "), .toolCallStart(index: 0, id: "c1", name: "count"),
                     .toolCallArguments(index: 0, fragment: "{}"), .finished(.toolCalls, Usage())],
            pause: .milliseconds(150))
        let agent = Agent(
            configuration: AgentConfiguration(name: "test", tools: [counter]), model: ScriptedModel([slowCall, .text("x")]),
            logger: Logger(label: "test.cancel"))
        for await event in agent.run("Count.", in: Conversation(root: temporaryFolder())) {
            if case .runStarted = event { break }
        }
        try await Task.sleep(for: .seconds(1))
        #expect(counter.calls == 0, "the abandoned run went on to call the tool")
    }
}
