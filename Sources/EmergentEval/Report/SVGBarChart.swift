import Foundation

/// A grouped bar chart drawn as inline SVG: groups along x (environments, query types), one bar per series (run)
/// in each group, values in 0...`maximum` with gridlines, value labels and a legend.
struct SVGBarChart {
    struct Series {
        var label: String
        var color: String
        /// One value per group; `nil` leaves a gap.
        var values: [Double?]
    }

    var groups: [String]
    var series: [Series]
    var yLabel: String
    var maximum: Double = 100
    var width = 560.0
    var height = 260.0

    private let left = 48.0
    private let right = 12.0
    private let top = 12.0
    private let bottom = 58.0

    func render() -> String {
        let plotWidth = width - left - right
        let plotHeight = height - top - bottom
        let groupWidth = plotWidth / Double(max(groups.count, 1))
        let barWidth = min(36, groupWidth * 0.8 / Double(max(series.count, 1)))
        func y(_ value: Double) -> Double { top + plotHeight * (1 - min(max(value / maximum, 0), 1)) }
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(f(width)) \(f(height))\" "
            + "width=\"\(f(width))\" height=\"\(f(height))\" role=\"img\" font-family=\"system-ui,sans-serif\" font-size=\"11\">"
        for step in 0...4 {
            let value = maximum * Double(step) / 4
            let lineY = y(value)
            svg += "<line x1=\"\(f(left))\" x2=\"\(f(width - right))\" y1=\"\(f(lineY))\" y2=\"\(f(lineY))\" stroke=\"#e3e3e3\"/>"
            svg += "<text x=\"\(f(left - 6))\" y=\"\(f(lineY + 4))\" text-anchor=\"end\" fill=\"#555\">\(SVGPlot.label(value))</text>"
        }
        svg += "<text transform=\"translate(12 \(f(top + plotHeight / 2))) rotate(-90)\" text-anchor=\"middle\" fill=\"#333\">\(SVGPlot.escape(yLabel))</text>"
        for (groupIndex, group) in groups.enumerated() {
            let groupLeft = left + groupWidth * Double(groupIndex)
            let barsWidth = barWidth * Double(series.count)
            let start = groupLeft + (groupWidth - barsWidth) / 2
            for (seriesIndex, entry) in series.enumerated() {
                guard groupIndex < entry.values.count, let value = entry.values[groupIndex] else { continue }
                let x = start + barWidth * Double(seriesIndex)
                let barTop = y(value)
                svg += "<rect x=\"\(f(x + 1))\" y=\"\(f(barTop))\" width=\"\(f(barWidth - 2))\" height=\"\(f(top + plotHeight - barTop))\" fill=\"\(entry.color)\">"
                svg += "<title>\(SVGPlot.escape(entry.label)) — \(SVGPlot.escape(group)): \(String(format: "%.1f", value))</title></rect>"
                svg += "<text x=\"\(f(x + barWidth / 2))\" y=\"\(f(barTop - 3))\" text-anchor=\"middle\" fill=\"#333\" font-size=\"9\">\(String(format: "%.1f", value))</text>"
            }
            svg += "<text x=\"\(f(groupLeft + groupWidth / 2))\" y=\"\(f(top + plotHeight + 14))\" text-anchor=\"middle\" fill=\"#333\">\(SVGPlot.escape(group))</text>"
        }
        svg += "<line x1=\"\(f(left))\" x2=\"\(f(width - right))\" y1=\"\(f(top + plotHeight))\" y2=\"\(f(top + plotHeight))\" stroke=\"#888\"/>"
        var legendX = left
        let legendY = height - 14
        for entry in series {
            svg += "<rect x=\"\(f(legendX))\" y=\"\(f(legendY - 9))\" width=\"10\" height=\"10\" fill=\"\(entry.color)\"/>"
            svg += "<text x=\"\(f(legendX + 14))\" y=\"\(f(legendY))\" fill=\"#333\">\(SVGPlot.escape(entry.label))</text>"
            legendX += 24 + Double(entry.label.count) * 6.2
        }
        return svg + "</svg>"
    }

    /// Colours for up to eight runs, then repeating.
    static let palette = ["#3b6fd4", "#e07b39", "#3a9b5c", "#b5475f", "#7a5cc4", "#8a7a2e", "#2a9ca8", "#777777"]

    private func f(_ value: Double) -> String { String(format: "%.1f", value) }
}
