import Testing

@testable import EmergentRemote

@Suite("Server-sent event parser")
struct ServerSentEventParserTests {
    static let stream =
        ": comment\n\ndata: {\"a\":\"h\u{E9}\u{1F600}\"}\r\n\r\nevent: ping\ndata:x\ndata: y\r\rerror: {\"message\":\"m\"}\n\ndata: [DONE]\n\n"
    static let expected = [
        ServerSentEvent(name: nil, data: "{\"a\":\"h\u{E9}\u{1F600}\"}"),
        ServerSentEvent(name: "ping", data: "x\ny"),
        ServerSentEvent(name: "error", data: "{\"message\":\"m\"}"),
        ServerSentEvent(name: nil, data: "[DONE]"),
    ]

    @Test("events come out the same wherever the network splits the bytes")
    func everySplit() {
        let bytes = Array(Self.stream.utf8)
        for split in 0...bytes.count {
            var parser = ServerSentEventParser()
            var events = parser.feed(bytes[..<split])
            events += parser.feed(bytes[split...])
            if let last = parser.finish() { events.append(last) }
            #expect(events == Self.expected, "split at byte \(split)")
        }
    }

    @Test("one byte at a time")
    func byteByByte() {
        var parser = ServerSentEventParser()
        var events: [ServerSentEvent] = []
        for byte in Self.stream.utf8 { events += parser.feed([byte]) }
        #expect(events == Self.expected)
    }

    @Test("an event without its closing blank line is delivered at the end of the body")
    func unterminated() {
        var parser = ServerSentEventParser()
        #expect(parser.feed(Array("data: last".utf8)).isEmpty)
        #expect(parser.finish() == ServerSentEvent(name: nil, data: "last"))
    }
}
