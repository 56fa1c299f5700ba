import Foundation

/// The fit as one self-contained HTML page (inline CSS and SVG, no scripts or external files): the scaling law,
/// a table of verdicts with their evidence, the metric-mirage comparison, and for each (task, metric) performance
/// against loss (decreasing to the right, as in Du et al.) and against compute.
public struct EmergenceReportPage: Sendable {
    public var report: EmergenceFitReport

    public init(report: EmergenceFitReport) { self.report = report }

    static let palette = ["#440154", "#3b528b", "#21908d", "#5dc863", "#c2a800", "#e8590c", "#c92a2a", "#862e9c"]
    static let smoothColor = "#1c7ed6"
    static let emergentColor = "#e03131"

    public func html() -> String {
        let sizes = Array(Set(report.checkpoints.map(\.parameters))).sorted()
        var page = """
            <!doctype html><html lang="en"><head><meta charset="utf-8">
            <title>Emergence from the loss perspective</title><style>\(Self.css)</style></head><body><main>
            <h1>Emergence from the loss perspective</h1>
            <p class="lede">Performance against pre-training loss (Du, Zeng, Dong &amp; Tang, 2024). Corpus: \
            <b>\(esc(report.corpus))</b> · \(report.checkpoints.count) checkpoints · \(sizes.count) sizes · \
            \(report.tasks.count) task metrics · \(report.bootstrapResamples) bootstrap resamples (seed \(report.seed)) \
            · emergent \(esc(report.version))</p>
            <p class="criterion"><b>Criterion.</b> \(esc(report.criterion)) Intervals are \
            \(Int(report.confidence * 100))% bootstrap intervals (expanded percentile, Hesterberg 2015) over checkpoints resampled with replacement.</p>
            """
        page += summaryTable()
        page += mirageTable()
        page += scalingSection(sizes: sizes)
        page += "<h2>Tasks</h2>"
        for fit in report.tasks { page += taskSection(fit, sizes: sizes) }
        page +=
            "<footer>Written by <code>emergent emergence fit</code>. Every number is in <code>fit.json</code>.</footer>"
        page += "</main></body></html>\n"
        return page
    }

    private func summaryTable() -> String {
        var html = "<h2>Verdicts</h2><table><thead><tr><th>task</th><th>metric</th><th>verdict</th><th>n</th>"
        html += "<th>η (CI)</th><th>above / below η</th><th>RSS smooth</th><th>RSS emergent</th><th>ΔBIC</th>"
        html += "<th>size term c (CI)</th><th>N at η</th></tr></thead><tbody>"
        for fit in report.tasks {
            let badge =
                fit.verdict == .emergent
                ? "<span class=\"badge em\">emergent</span>"
                : fit.verdict == .smooth
                    ? "<span class=\"badge sm\">not emergent</span>" : "<span class=\"badge na\">too few points</span>"
            html += "<tr><td>\(esc(fit.task))</td><td>\(esc(fit.metric))\(fit.higherIsBetter ? "" : " ↓")</td>"
            html += "<td title=\"\(esc(fit.reason))\">\(badge)</td><td>\(fit.points.count)</td>"
            html +=
                "<td>\(thresholdText(fit))</td><td>\(fit.emergent == nil ? "—" : "\(fit.pointsAbove) / \(fit.pointsBelow)")</td>"
            html += "<td>\(num(fit.smooth?.rss))</td><td>\(num(fit.emergent?.rss))</td>"
            html += "<td class=\"\((fit.deltaBIC ?? 0) > 2 ? "pos" : "")\">\(num(fit.deltaBIC, "%.1f"))</td>"
            html += "<td>\(sizeText(fit.sizeEffect))</td><td>\(parametersText(fit))</td></tr>"
        }
        html += "</tbody></table><p class=\"note\">ΔBIC = BIC(smooth) − BIC(emergent); positive favours a threshold. "
        html += "↓ marks a lower-is-better metric (fitted flipped). Hover a verdict for its reason.</p>"
        return html
    }

    private func mirageTable() -> String {
        guard !report.mirage.isEmpty else { return "" }
        var html = "<h2>Metric mirage check</h2><table><thead><tr><th>task</th><th>discontinuous metric</th>"
        html += "<th>η</th><th>continuous metric</th><th>η</th><th>conclusion</th></tr></thead><tbody>"
        for check in report.mirage {
            let a = check.discontinuousEmergent ? "emergent" : "not emergent"
            let b = check.continuousEmergent ? "emergent" : "not emergent"
            html += "<tr><td>\(esc(check.task))</td><td>\(esc(check.discontinuousMetric)): \(a)</td>"
            html += "<td>\(check.discontinuousEmergent ? num(check.discontinuousThreshold) : "—")</td>"
            html += "<td>\(esc(check.continuousMetric)): \(b)</td>"
            html += "<td>\(check.continuousEmergent ? num(check.continuousThreshold) : "—")</td>"
            html += "<td class=\"\(check.persists ? "pos" : "")\">\(esc(check.summary))</td></tr>"
        }
        return html + "</tbody></table>"
    }

    private func scalingSection(sizes: [Double]) -> String {
        var html = "<h2>Scaling law</h2><div class=\"row\"><div class=\"card\">"
        var plot = SVGPlot(xLabel: "parameters N", yLabel: "loss (nats/token)", xLog: true)
        for checkpoint in report.checkpoints {
            plot.marks.append(
                .init(
                    x: checkpoint.parameters, y: checkpoint.loss, color: color(checkpoint.parameters, sizes),
                    title: "\(checkpoint.id): N=\(sci(checkpoint.parameters)), L=\(num(checkpoint.loss))"
                )
            )
        }
        if let law = report.sizeLaw, let low = sizes.first, let high = sizes.last {
            let curve = (0...80).map { i -> (x: Double, y: Double) in
                let n = exp(log(low) + Double(i) / 80 * (log(high) - log(low)))
                return (n, law.loss(parameters: n))
            }
            plot.lines.append(.init(points: curve, color: "#222", dashed: false))
            plot.legend.append(.init(label: "L(N) = L∞ + (N₀/N)^α", color: "#222", kind: "line"))
        }
        plot.legend += sizes.prefix(8).map { .init(label: "N = \(sci($0))", color: color($0, sizes), kind: "dot") }
        html += plot.render() + "</div><div class=\"card facts\">"
        if let law = report.sizeLaw {
            html += "<h3>L(N) = L∞ + (N₀/N)<sup>α</sup></h3><dl><dt>L∞</dt><dd>\(num(law.irreducibleLoss))</dd>"
            html += "<dt>N₀</dt><dd>\(sci(law.scaleParameters))</dd><dt>α</dt><dd>\(num(law.exponent))</dd>"
            html += "<dt>fitted on</dt><dd>\(law.points) sizes (lowest loss of each)</dd></dl>"
        } else {
            html += "<p>The size law needs checkpoints of at least 3 distinct sizes.</p>"
        }
        if let law = report.computeLaw {
            html +=
                "<h3>L(N, D) = E + A/N<sup>α</sup> + B/D<sup>β</sup></h3><dl><dt>E</dt><dd>\(num(law.irreducibleLoss))</dd>"
            html += "<dt>A</dt><dd>\(num(law.sizeScale))</dd><dt>α</dt><dd>\(num(law.sizeExponent))</dd>"
            html += "<dt>B</dt><dd>\(num(law.dataScale))</dd><dt>β</dt><dd>\(num(law.dataExponent))</dd>"
            html += "<dt>RSS</dt><dd>\(num(law.rss))</dd><dt>fitted on</dt><dd>\(law.points) checkpoints</dd></dl>"
        }
        return html + "</div></div>"
    }

    private func taskSection(_ fit: TaskEmergenceFit, sizes: [Double]) -> String {
        let verdict = fit.verdict.rawValue
        var html = "<section class=\"task\"><h3>\(esc(fit.task)) · \(esc(fit.metric)) "
        html +=
            "<span class=\"badge \(fit.verdict == .emergent ? "em" : fit.verdict == .smooth ? "sm" : "na")\">\(verdict)</span></h3>"
        html += "<p class=\"reason\">\(esc(fit.reason))</p>"
        guard fit.verdict != .tooFewPoints else { return html + "</section>" }
        let yLabel = "\(fit.metric)\(fit.higherIsBetter ? "" : " (lower is better)")"
        var byLoss = SVGPlot(xLabel: "pre-training loss (decreasing →)", yLabel: yLabel, xReversed: true)
        var byCompute = SVGPlot(
            xLabel: fit.points.allSatisfy({ $0.trainingTokens != nil }) ? "compute 6·N·D (FLOPs)" : "parameters N",
            yLabel: yLabel, xLog: true
        )
        for point in fit.points {
            let title = "\(point.checkpoint): L=\(num(point.loss)), \(fit.metric)=\(num(point.value))"
            let c = color(point.parameters, sizes)
            byLoss.marks.append(.init(x: point.loss, y: point.value, color: c, title: title))
            let compute = point.trainingTokens.map { 6 * point.parameters * $0 } ?? point.parameters
            byCompute.marks.append(.init(x: compute, y: point.value, color: c, title: title))
        }
        let losses = fit.points.map(\.loss)
        if let low = losses.min(), let high = losses.max() {
            let grid = (0...120).map { low + Double($0) / 120 * (high - low) }
            byLoss.lines.append(
                .init(points: [(low, fit.chance), (high, fit.chance)], color: "#868e96", dashed: true, width: 1.5))
            if let smooth = fit.smooth {
                byLoss.lines.append(
                    .init(
                        points: grid.map { ($0, fit.value(gain: smooth.gain(loss: $0))) }, color: Self.smoothColor,
                        dashed: false)
                )
            }
            if let emergent = fit.emergent {
                byLoss.lines.append(
                    .init(
                        points: grid.map { ($0, fit.value(gain: emergent.gain(loss: $0))) }, color: Self.emergentColor,
                        dashed: false)
                )
                if let interval = fit.thresholdInterval {
                    byLoss.bands.append((interval.lower, interval.upper, Self.emergentColor))
                }
                byLoss.verticals.append((emergent.threshold, Self.emergentColor, "η = \(num(emergent.threshold))"))
            }
            if let computes = Optional(byCompute.marks.map(\.x)), let cl = computes.min(), let ch = computes.max() {
                byCompute.lines.append(
                    .init(points: [(cl, fit.chance), (ch, fit.chance)], color: "#868e96", dashed: true, width: 1.5))
            }
        }
        byLoss.legend = [
            .init(label: "smooth (logistic)", color: Self.smoothColor, kind: "line"),
            .init(label: "emergent (threshold)", color: Self.emergentColor, kind: "line"),
            .init(label: "η, \(Int(report.confidence * 100))% CI", color: Self.emergentColor, kind: "band"),
            .init(label: "chance", color: "#868e96", kind: "dash"),
        ]
        byCompute.legend = sizes.prefix(8).map { .init(label: "N = \(sci($0))", color: color($0, sizes), kind: "dot") }
        html +=
            "<div class=\"row\"><div class=\"card\">\(byLoss.render())</div><div class=\"card\">\(byCompute.render())</div></div>"
        html +=
            "<table class=\"evidence\"><thead><tr><th>model</th><th>parameters</th><th>RSS</th><th>AIC</th><th>BIC</th></tr></thead><tbody>"
        if let s = fit.smooth, let c = fit.smoothCriteria {
            html += "<tr><td>smooth</td><td>u = \(num(s.upper)), k = \(num(s.slope)), m = \(num(s.midpoint))</td>"
            html += "<td>\(num(s.rss))</td><td>\(num(c.aic, "%.1f"))</td><td>\(num(c.bic, "%.1f"))</td></tr>"
        }
        if let e = fit.emergent, let c = fit.emergentCriteria {
            html += "<tr><td>emergent</td><td>η = \(num(e.threshold)), a = \(num(e.scale)), b = \(num(e.exponent))</td>"
            html += "<td>\(num(e.rss))</td><td>\(num(c.aic, "%.1f"))</td><td>\(num(c.bic, "%.1f"))</td></tr>"
        }
        html +=
            "</tbody></table><p class=\"note\">ΔBIC \(num(fit.deltaBIC, "%.1f")) · ΔAIC \(num(fit.deltaAIC, "%.1f")) · "
        html += "η \(thresholdText(fit)) from \(fit.bootstrapFits) resamples · \(fit.pointsAbove) points above η "
        html +=
            "(mean gain \(num(fit.meanGainAbove)), chance tolerance ±\(num(fit.chanceTolerance))), \(fit.pointsBelow) below"
        if let size = fit.sizeEffect {
            html += " · size term on the \(size.model) fit: c = \(sizeText(size)), ΔBIC \(num(size.deltaBIC, "%.1f")) "
            html +=
                size.detected
                ? "(<b>models of different sizes differ at equal loss</b>)" : "(no size effect at equal loss)"
        }
        html += " · N at η: \(parametersText(fit))</p></section>"
        return html
    }

    private func thresholdText(_ fit: TaskEmergenceFit) -> String {
        guard let e = fit.emergent else { return "—" }
        guard let i = fit.thresholdInterval else { return num(e.threshold) }
        return "\(num(e.threshold)) [\(num(i.lower)), \(num(i.upper))]"
    }

    private func sizeText(_ size: TaskEmergenceFit.SizeEffect?) -> String {
        guard let size else { return "—" }
        let ci = size.interval.map { " [\(num($0.lower)), \(num($0.upper))]" } ?? ""
        return "\(num(size.coefficient))\(ci)\(size.detected ? " ●" : "")"
    }

    private func parametersText(_ fit: TaskEmergenceFit) -> String {
        guard fit.verdict == .emergent, let threshold = fit.parameterThreshold else { return "—" }
        guard threshold.reachable, let n = threshold.parameters else { return "not reachable (η ≤ L∞)" }
        let low = threshold.lower.map(sci) ?? "?"
        let high = threshold.upper.map(sci) ?? "∞"
        return "\(sci(n)) [\(low), \(high)]"
    }

    private func color(_ size: Double, _ sizes: [Double]) -> String {
        let index = sizes.firstIndex(of: size) ?? 0
        guard sizes.count > 1 else { return Self.palette[1] }
        let position = Double(index) / Double(sizes.count - 1) * Double(Self.palette.count - 1)
        return Self.palette[min(Int(position.rounded()), Self.palette.count - 1)]
    }

    private func num(_ value: Double?, _ format: String = "%.4g") -> String {
        guard let value, value.isFinite else { return "—" }
        return String(format: format, value)
    }

    private func sci(_ value: Double) -> String {
        if value >= 1e12 { return String(format: "%.3gT", value / 1e12) }
        if value >= 1e9 { return String(format: "%.3gB", value / 1e9) }
        if value >= 1e6 { return String(format: "%.3gM", value / 1e6) }
        return String(format: "%.3g", value)
    }

    private func esc(_ text: String) -> String { SVGPlot.escape(text) }

    static let css = """
        body{margin:0;background:#f4f5f7;color:#1f2328;font:14px/1.5 -apple-system,"Segoe UI",Helvetica,Arial,sans-serif}
        main{max-width:1180px;margin:0 auto;padding:28px 28px 60px}
        h1{font-size:26px;margin:0 0 6px;font-weight:650}h2{font-size:19px;margin:34px 0 10px;border-bottom:1px solid #d8dce2;padding-bottom:4px}
        h3{font-size:15px;margin:0 0 4px}.lede{color:#555;margin:0 0 10px}
        .criterion{background:#fff;border-left:4px solid #1c7ed6;padding:8px 12px;margin:10px 0;font-size:13px}
        table{border-collapse:collapse;width:100%;background:#fff;font-size:12.5px;font-variant-numeric:tabular-nums}
        th,td{padding:5px 8px;border-bottom:1px solid #e6e8ec;text-align:left;vertical-align:top}
        th{background:#f0f2f5;font-weight:600;color:#333}td.pos{color:#c92a2a;font-weight:600}
        .badge{display:inline-block;white-space:nowrap;border-radius:10px;padding:0 8px;font-size:11.5px;font-weight:600}
        .badge.em{background:#ffe3e3;color:#c92a2a}.badge.sm{background:#e7f5ff;color:#1864ab}.badge.na{background:#eee;color:#666}
        .row{display:flex;gap:14px;flex-wrap:wrap}.card{background:#fff;border:1px solid #e1e4e8;border-radius:6px;padding:8px}
        .facts{min-width:280px;flex:1;padding:12px 16px}dl{display:grid;grid-template-columns:auto 1fr;gap:2px 14px;margin:6px 0 14px}
        dt{color:#666}dd{margin:0;font-variant-numeric:tabular-nums}
        section.task{background:#fff;border:1px solid #e1e4e8;border-radius:8px;padding:14px 16px;margin:0 0 18px}
        section.task .card{border:none;padding:0}.reason{color:#555;margin:0 0 8px;font-size:13px}
        .note{color:#666;font-size:12px;margin:6px 0}table.evidence{margin-top:8px}
        footer{margin-top:30px;color:#888;font-size:12px}svg.plot{display:block;max-width:100%;height:auto}
        """
}
