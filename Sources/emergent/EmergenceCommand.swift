import ArgumentParser
import EmergentCore
import EmergentEval
import Foundation

/// `emergent emergence …`: emergent abilities seen from the loss perspective (Du et al., 2024).
struct EmergenceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "emergence",
        abstract: "Study emergent abilities as a function of pre-training loss.",
        subcommands: [EmergenceMeasure.self, Fit.self, EmergenceDemo.self]
    )
}

extension EmergenceCommand {
    /// `emergent emergence fit`: fit smooth and threshold models of performance against loss and write a report.
    struct Fit: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "fit",
            abstract: "Decide which tasks are emergent in loss, with evidence, and write fit.json and report.html.",
            discussion: """
                For each task and metric, fits a smooth logistic and a threshold model (chance above a loss η, \
                rising below it) of performance against loss, and calls the task emergent when BIC prefers the \
                threshold and the points above η sit at chance. η gets a bootstrap interval; a c·ln N term tests \
                whether models of different sizes perform the same at equal loss; the scaling law converts η into \
                a parameter count. See docs/emergence.md.

                Examples:
                  emergent emergence fit results.json --out fit
                  emergent emergence fit --synthetic --out demo-fit
                """
        )

        @Argument(help: "The results.json that `emergent emergence measure` wrote.")
        var results: String?

        @Option(name: .long, help: "Directory to write fit.json and report.html into.")
        var out = "emergence-fit"

        @Flag(name: .long, help: "Print fit.json to standard output instead of a summary.")
        var json = false

        @Option(name: .long, help: "Bootstrap resamples for the intervals (0 to skip).")
        var bootstrap = 1000

        @Option(name: .long, help: "Seed for the bootstrap (and for --synthetic).")
        var seed: UInt64 = 1

        @Flag(
            name: .long, help: "Fit a planted synthetic world instead of a results file (also writes its results.json)."
        )
        var synthetic = false

        func validate() throws {
            if results == nil && !synthetic { throw ValidationError("Give a results.json, or --synthetic.") }
            if results != nil && synthetic {
                throw ValidationError("Give either a results.json or --synthetic, not both.")
            }
            if bootstrap < 0 { throw ValidationError("--bootstrap must be 0 or more.") }
        }

        /// Fits `input` and writes `fit.json` and `report.html` into `directory`; returns the report and its JSON.
        static func fitAndWrite(_ input: EmergenceResults, to directory: URL, bootstrap: Int, seed: UInt64) throws
            -> (EmergenceFitReport, Data)
        {
            let report = try EmergenceFitter(bootstrapResamples: bootstrap, seed: seed).fit(input)
            let data = try report.jsonData()
            try data.write(to: directory.appendingPathComponent("fit.json"), options: .atomic)
            let page = EmergenceReportPage(report: report).html()
            try Data(page.utf8).write(to: directory.appendingPathComponent("report.html"), options: .atomic)
            return (report, data)
        }

        func run() async throws {
            let outDirectory = URL(fileURLWithPath: out, isDirectory: true)
            try FileManager.default.createDirectory(at: outDirectory, withIntermediateDirectories: true)
            let input: EmergenceResults
            if let results {
                input = try EmergenceResults.load(from: URL(fileURLWithPath: results))
            } else {
                input = SyntheticEmergence.standard.generate(seed: seed)
                try input.write(to: outDirectory.appendingPathComponent("results.json"))
            }
            let (report, data) = try Self.fitAndWrite(input, to: outDirectory, bootstrap: bootstrap, seed: seed)
            if json {
                FileHandle.standardOutput.write(data)
                FileHandle.standardOutput.write(Data("\n".utf8))
                return
            }
            for fit in report.tasks {
                let eta = fit.emergent.map { String(format: "η=%.3f", $0.threshold) } ?? ""
                let interval = fit.thresholdInterval.map { String(format: " [%.3f, %.3f]", $0.lower, $0.upper) } ?? ""
                let delta = fit.deltaBIC.map { String(format: " ΔBIC=%.1f", $0) } ?? ""
                print("\(fit.task) \(fit.metric): \(fit.verdict.rawValue)\(delta) \(eta)\(interval)")
            }
            for check in report.mirage {
                print("mirage \(check.task) \(check.discontinuousMetric)/\(check.continuousMetric): \(check.summary)")
            }
            print("wrote \(outDirectory.appendingPathComponent("report.html").path) and fit.json")
        }
    }
}
