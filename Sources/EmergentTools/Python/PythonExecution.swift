/// What one cell produced inside the sandbox.
public struct PythonExecution: Sendable, Hashable {
    /// Everything printed (stdout and stderr in order, the echoed last value, a traceback), up to the limit.
    public var output: String
    /// Characters printed past the output limit and dropped inside the sandbox.
    public var droppedCharacters: Int
    /// True when the cell raised an exception.
    public var raised: Bool
    /// Figures saved as PNGs, as paths relative to the work folder.
    public var figures: [String]
    /// Files under the work folder that are new or changed since the cell started, relative to it.
    public var changedFiles: [String]

    public init(output: String, droppedCharacters: Int, raised: Bool, figures: [String], changedFiles: [String]) {
        self.output = output
        self.droppedCharacters = droppedCharacters
        self.raised = raised
        self.figures = figures
        self.changedFiles = changedFiles
    }
}
