import EmergentCore
import Foundation

/// `emergent eval report`: one self-contained HTML page for one or more runs — the overall score table, an SVG bar
/// chart per environment (runs side by side, with the metric's breakdown), finish reasons, a per-task comparison
/// across runs, and every trajectory, browsable inline.
public struct EvalReportPage: Sendable {
    public var runs: [LoadedEvalRun]
    /// The trajectories shown, per run (`records` order); loaded by `make`.
    var trajectories: [[EpisodeKey: EvalTrajectory]]

    /// Loads every trajectory of `runs` (a damaged file is reported in its place, not fatal).
    public static func make(runs: [LoadedEvalRun]) -> EvalReportPage {
        let loaded = runs.map { run in
            var byKey: [EpisodeKey: EvalTrajectory] = [:]
            for record in run.records {
                if let trajectory = try? run.directory.trajectory(of: record) { byKey[record.key] = trajectory }
            }
            return byKey
        }
        return EvalReportPage(runs: runs, trajectories: loaded)
    }

    public func html() -> String {
        var body = "<h1>Agent evaluation</h1>"
        body += runsTable()
        body += overallSection()
        body += collectionSection()
        for environment in environmentOrder() {
            body += environmentSection(environment)
        }
        return """
            <!doctype html><html lang="en"><head><meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>Agent evaluation — \(esc(runs.map(\.summary.name).joined(separator: " vs ")))</title>
            <style>\(Self.css)</style></head><body><main>\(body)</main></body></html>
            """
    }

    // MARK: sections

    private func runsTable() -> String {
        var rows = ""
        for (index, run) in runs.enumerated() {
            let episodes = run.records.count
            rows += "<tr><td><span class=\"swatch\" style=\"background:\(color(index))\"></span>\(esc(run.summary.name))</td>"
                + "<td>\(esc(run.manifest.agent))</td><td>\(run.manifest.mode.rawValue)</td>"
                + "<td>\(run.manifest.repeats)</td><td>\(episodes)</td>"
                + "<td>\(esc(ISO8601DateFormatter().string(from: run.manifest.created)))</td></tr>"
        }
        return "<table><thead><tr><th>run</th><th>agent</th><th>mode</th><th>repeats</th><th>episodes</th><th>started</th></tr></thead><tbody>\(rows)</tbody></table>"
    }

    private func overallSection() -> String {
        let environments = environmentOrder()
        var html = "<h2>Scores</h2><table><thead><tr><th>run</th>"
        for environment in environments { html += "<th>\(esc(environment))</th>" }
        html += "<th title=\"AgentBench's overall score: mean of score ÷ weight\">OA</th></tr></thead><tbody>"
        for (index, run) in runs.enumerated() {
            html += "<tr><td><span class=\"swatch\" style=\"background:\(color(index))\"></span>\(esc(run.summary.name))</td>"
            for environment in environments {
                let part = run.summary.environments.first { $0.environment == environment }
                html += "<td class=\"num\">\(part.map { String(format: "%.1f", $0.score * 100) } ?? "—")</td>"
            }
            html += "<td class=\"num\"><b>\(run.summary.overall.map { String(format: "%.2f", $0) } ?? "—")</b></td></tr>"
        }
        let weights = runs.first?.summary.weights ?? .agentBench
        html += "<tr class=\"ref\"><td>weight⁻¹ (\(esc(weights.source)))</td>"
        for environment in environments {
            html += "<td class=\"num\">\(weights.averages[environment].map { String(format: "%.1f", $0) } ?? "—")</td>"
        }
        html += "<td></td></tr>"
        for published in PublishedAgentBenchResult.table {
            html += "<tr class=\"ref\"><td>\(esc(published.model)) (AgentBench, published)</td>"
            for environment in environments {
                html += "<td class=\"num\">\(published.scores[environment].map { String(format: "%.1f", $0) } ?? "—")</td>"
            }
            html += "<td class=\"num\">\(String(format: "%.2f", published.overall))</td></tr>"
        }
        html += "</tbody></table><p class=\"note\">Scores are percentages of each environment's own metric. OA here "
            + "averages over the environments run (AgentBench's averages over its eight), so compare OA only "
            + "between runs of the same environments. Published rows are AgentBench's test-set results, for scale: "
            + "our tasks differ.</p>"
        let chart = SVGBarChart(
            groups: environments,
            series: runs.enumerated().map { index, run in
                SVGBarChart.Series(label: run.summary.name, color: color(index), values: environments.map { name in
                    run.summary.environments.first { $0.environment == name }.map { $0.score * 100 }
                })
            },
            yLabel: "score (%)")
        return html + "<figure>\(chart.render())</figure>"
    }

    private func collectionSection() -> String {
        let collected = runs.enumerated().filter { $0.element.collection != nil }
        guard !collected.isEmpty else { return "" }
        var html = "<h2>Collected for tuning</h2><table><thead><tr><th>run</th><th>environment</th><th>threshold</th>"
            + "<th>episodes</th><th>kept</th><th>kept %</th><th>tasks kept</th><th>mean turns</th><th>tokens kept</th></tr></thead><tbody>"
        for (index, run) in collected {
            guard let report = run.collection else { continue }
            for line in report.lines {
                let meanTurns = line.kept == 0 ? 0 : Double(line.keptTurns) / Double(line.kept)
                html += "<tr><td><span class=\"swatch\" style=\"background:\(color(index))\"></span>\(esc(run.summary.name))</td>"
                    + "<td>\(esc(line.environment))</td><td class=\"num\">\(String(format: "%.3f", line.threshold))</td>"
                    + "<td class=\"num\">\(line.episodes)</td><td class=\"num\">\(line.kept)</td>"
                    + "<td class=\"num\">\(String(format: "%.1f", line.keptFraction * 100))</td>"
                    + "<td class=\"num\">\(line.tasksKept)/\(line.tasks)</td><td class=\"num\">\(String(format: "%.1f", meanTurns))</td>"
                    + "<td class=\"num\">\(line.keptTokens)</td></tr>"
            }
        }
        return html + "</tbody></table><p class=\"note\">AgentInstruct kept 1,866 of 35,341 trajectories (5.28%).</p>"
    }

    private func environmentSection(_ environment: String) -> String {
        let parts = runs.map { run in run.summary.environments.first { $0.environment == environment } }
        let first = parts.compactMap { $0 }.first
        var html = "<section><h2 id=\"env-\(esc(environment))\">\(esc(first?.title ?? environment)) "
            + "<small>\(esc(environment)) · \(esc(first?.metric ?? ""))</small></h2>"
        let breakdownKeys = Array(Set(parts.compactMap { $0 }.flatMap { $0.breakdown.keys })).sorted()
        let groups = [first?.metric ?? "score"] + breakdownKeys
        let chart = SVGBarChart(
            groups: groups,
            series: runs.enumerated().map { index, run in
                let part = parts[index]
                return SVGBarChart.Series(
                    label: run.summary.name, color: color(index),
                    values: [part.map { $0.score * 100 }] + breakdownKeys.map { key in part?.breakdown[key].map { $0 * 100 } })
            },
            yLabel: "%", width: max(420, Double(groups.count) * 90 + 80))
        html += "<figure>\(chart.render())</figure>"
        html += finishTable(parts)
        html += taskTable(environment)
        return html + "</section>"
    }

    private func finishTable(_ parts: [EvalSummary.EnvironmentSummary?]) -> String {
        var html = "<h3>Finish reasons</h3><table><thead><tr><th>run</th><th>distribution</th>"
        for reason in EpisodeFinish.allCases { html += "<th>\(reason.rawValue)</th>" }
        html += "<th>mean turns</th><th>mean tokens</th></tr></thead><tbody>"
        for (index, part) in parts.enumerated() {
            guard let part else { continue }
            html += "<tr><td><span class=\"swatch\" style=\"background:\(color(index))\"></span>\(esc(runs[index].summary.name))</td>"
            html += "<td>\(finishBar(part))</td>"
            for reason in EpisodeFinish.allCases {
                let count = part.finishes[reason.rawValue] ?? 0
                html += "<td class=\"num\">\(count == 0 ? "" : String(count))</td>"
            }
            html += "<td class=\"num\">\(String(format: "%.1f", part.meanTurns))</td>"
            html += "<td class=\"num\">\(String(format: "%.0f", part.meanTokens))</td></tr>"
        }
        return html + "</tbody></table>"
    }

    private func finishBar(_ part: EvalSummary.EnvironmentSummary) -> String {
        let width = 220.0
        var x = 0.0
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(width))\" height=\"14\" viewBox=\"0 0 \(Int(width)) 14\">"
        for reason in EpisodeFinish.allCases {
            let count = part.finishes[reason.rawValue] ?? 0
            guard count > 0, part.episodes > 0 else { continue }
            let w = width * Double(count) / Double(part.episodes)
            svg += "<rect x=\"\(String(format: "%.1f", x))\" y=\"0\" width=\"\(String(format: "%.1f", w))\" height=\"14\" fill=\"\(Self.finishColors[reason] ?? "#999")\"><title>\(reason.rawValue): \(count)</title></rect>"
            x += w
        }
        return svg + "</svg>"
    }

    private func taskTable(_ environment: String) -> String {
        var keys: [EpisodeKey] = []
        var seen = Set<EpisodeKey>()
        var summaries: [String: String] = [:]
        for run in runs {
            for record in run.records where record.result.environment == environment && !seen.contains(record.key) {
                seen.insert(record.key)
                keys.append(record.key)
                summaries[record.key.taskID] = record.summary
            }
        }
        keys.sort()
        var html = "<h3>Tasks</h3><table class=\"tasks\"><thead><tr><th>task</th><th>attempt</th>"
        for (index, run) in runs.enumerated() {
            html += "<th><span class=\"swatch\" style=\"background:\(color(index))\"></span>\(esc(run.summary.name))</th>"
        }
        html += "</tr></thead><tbody>"
        for key in keys {
            let cells = runs.map { run in run.records.first { $0.key == key } }
            let rewards = Set(cells.compactMap { $0?.result.reward })
            html += "<tr\(rewards.count > 1 ? " class=\"differs\"" : "")><td title=\"\(esc(summaries[key.taskID] ?? ""))\">"
                + "\(esc(key.taskID)) <span class=\"summary\">\(esc(String((summaries[key.taskID] ?? "").prefix(90))))</span></td>"
                + "<td class=\"num\">\(key.attempt)</td>"
            for (index, cell) in cells.enumerated() {
                guard let cell else {
                    html += "<td>—</td>"
                    continue
                }
                let anchor = anchorID(run: index, key: key)
                let mark = cell.result.reward >= 1 ? "pass" : cell.result.reward > 0 ? "part" : "fail"
                html += "<td class=\"\(mark)\"><a href=\"#\(anchor)\">\(String(format: "%.2f", cell.result.reward))</a> "
                    + "<span class=\"finish\">\(cell.result.finish.rawValue) · \(Self.turns(cell.turns))</span></td>"
            }
            html += "</tr>"
        }
        html += "</tbody></table>"
        for (index, run) in runs.enumerated() {
            let mine = run.records.filter { $0.result.environment == environment }
            guard !mine.isEmpty else { continue }
            html += "<h3>Trajectories — \(esc(run.summary.name))</h3>"
            for record in mine {
                html += trajectoryBlock(run: index, record: record)
            }
        }
        return html
    }

    private func trajectoryBlock(run: Int, record: EvalRecord) -> String {
        let anchor = anchorID(run: run, key: record.key)
        var html = "<details class=\"trajectory\" id=\"\(anchor)\"><summary><b>\(esc(record.result.taskID))</b>"
            + " #\(record.result.attempt) — reward \(String(format: "%.2f", record.result.reward)), "
            + "\(record.result.finish.rawValue), \(Self.turns(record.turns)), \(record.tokens) tokens, "
            + "\(String(format: "%.1f", Double(record.milliseconds) / 1000)) s</summary>"
        guard let trajectory = trajectories[run][record.key] else {
            return html + "<p class=\"error\">The trajectory file \(esc(record.trajectory)) could not be read.</p></details>"
        }
        if let error = trajectory.error { html += "<p class=\"error\">\(esc(error))</p>" }
        let opening = trajectory.messages.prefix(trajectory.openingCount)
        html += "<details class=\"opening\"><summary>opening: \(opening.count) messages (instructions, worked example, task)</summary>"
        for message in opening { html += messageBlock(message) }
        html += "</details>"
        for message in trajectory.messages.dropFirst(trajectory.openingCount) { html += messageBlock(message) }
        if trajectory.turns.last.map({ $0.observations.count > 0 }) == true, let last = trajectory.turns.last?.observations.last,
           !trajectory.messages.contains(where: { $0.content == last && $0.role != .assistant }) {
            html += "<div class=\"msg env\"><div class=\"role\">environment (final)</div><pre>\(esc(last))</pre></div>"
        }
        html += "<div class=\"grade\">details: <code>\(esc(trajectory.details.compactJSON))</code></div>"
        return html + "</details>"
    }

    private func messageBlock(_ message: ChatMessage) -> String {
        let role: String
        switch message.role {
        case .assistant: role = "agent"
        case .tool: role = "tool: \(message.name ?? "")"
        default: role = message.role.rawValue
        }
        var html = "<div class=\"msg \(message.role.rawValue)\"><div class=\"role\">\(esc(role))</div>"
        if let reasoning = message.reasoningContent, !reasoning.isEmpty {
            html += "<pre class=\"reasoning\">\(esc(reasoning))</pre>"
        }
        if !message.content.isEmpty { html += "<pre>\(esc(message.content))</pre>" }
        for call in message.toolCalls {
            html += "<pre class=\"call\">→ \(esc(call.name))(\(esc(call.arguments.compactJSON)))</pre>"
        }
        return html + "</div>"
    }

    // MARK: helpers

    private func environmentOrder() -> [String] {
        let known = ["os", "db", "kg", "household", "webshop"]
        let present = Set(runs.flatMap { $0.summary.environments.map(\.environment) })
        return known.filter(present.contains) + present.subtracting(known).sorted()
    }

    private func anchorID(run: Int, key: EpisodeKey) -> String {
        "t\(run)-\(EvalRunDirectory.safeFileName(key.environment))-\(EvalRunDirectory.safeFileName(key.taskID))-\(key.attempt)"
    }

    static func turns(_ count: Int) -> String { count == 1 ? "1 turn" : "\(count) turns" }

    private func color(_ index: Int) -> String { SVGBarChart.palette[index % SVGBarChart.palette.count] }
    private func esc(_ text: String) -> String { SVGPlot.escape(text) }

    static let finishColors: [EpisodeFinish: String] = [
        .completed: "#3a9b5c", .taskLimit: "#e0a030", .invalidFormat: "#d05050", .invalidAction: "#b5475f",
        .contextLimit: "#7a5cc4", .taskError: "#555555", .agentError: "#999999",
    ]

    static let css = """
        body{font-family:system-ui,-apple-system,sans-serif;margin:0;background:#fafafa;color:#222}
        main{max-width:1150px;margin:0 auto;padding:24px}
        h1{font-size:1.6em}h2{margin-top:2em;border-bottom:1px solid #ddd;padding-bottom:4px}h2 small{color:#777;font-weight:normal;font-size:.6em}
        table{border-collapse:collapse;margin:8px 0;background:#fff;font-size:.9em}
        th,td{border:1px solid #e2e2e2;padding:4px 8px;text-align:left;vertical-align:top}
        th{background:#f2f2f2}table:not(.tasks) td:first-child{white-space:nowrap}td.num{text-align:right;font-variant-numeric:tabular-nums}
        tr.ref td{color:#777;background:#fbfbfb}
        .swatch{display:inline-block;width:10px;height:10px;margin-right:6px;border-radius:2px}
        .note{color:#666;font-size:.85em;max-width:900px}
        td.pass{background:#eaf6ee}td.part{background:#fdf5e4}td.fail{background:#fbecec}
        tr.differs td:first-child{border-left:3px solid #e07b39}
        .summary,.finish{color:#777;font-size:.85em}
        details.trajectory{background:#fff;border:1px solid #e2e2e2;margin:4px 0;padding:4px 8px;border-radius:4px}
        details.trajectory:target{outline:2px solid #3b6fd4}
        details.opening{margin:4px 0;color:#555}
        .msg{margin:6px 0;padding:4px 8px;border-left:3px solid #ccc}
        .msg.assistant{border-color:#3b6fd4;background:#f3f6fd}.msg.user,.msg.env{border-color:#3a9b5c}.msg.tool{border-color:#e07b39;background:#fdf7f1}
        .msg.system{border-color:#999}
        .role{font-size:.75em;color:#777;text-transform:uppercase;letter-spacing:.04em}
        pre{white-space:pre-wrap;word-break:break-word;margin:2px 0;font-size:.85em}
        pre.reasoning{color:#777;font-style:italic}pre.call{color:#a0522d}
        .error{color:#b00020}.grade{font-size:.8em;color:#555;margin-top:6px}
        figure{margin:8px 0}
        """
}
