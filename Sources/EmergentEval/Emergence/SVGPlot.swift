import Foundation

/// A small scatter-and-line chart drawn as inline SVG: axes with ticks and labels, linear or log x, an optionally
/// reversed x axis (loss decreasing to the right), shaded vertical bands, reference lines and a legend.
struct SVGPlot {
    struct Mark {
        var x: Double
        var y: Double
        var color: String
        var title: String
    }

    struct Line {
        var points: [(x: Double, y: Double)]
        var color: String
        var dashed: Bool
        var width: Double = 2
    }

    struct LegendEntry {
        var label: String
        var color: String
        /// `dot`, `line`, `dash` or `band`.
        var kind: String
    }

    var width = 530.0
    var height = 340.0
    var xLabel: String
    var yLabel: String
    var xLog = false
    var xReversed = false
    var marks: [Mark] = []
    var lines: [Line] = []
    var bands: [(lower: Double, upper: Double, color: String)] = []
    var verticals: [(x: Double, color: String, label: String)] = []
    var legend: [LegendEntry] = []

    private let left = 62.0
    private let right = 16.0
    private let top = 14.0
    private let bottom = 46.0

    init(xLabel: String, yLabel: String, xLog: Bool = false, xReversed: Bool = false) {
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.xLog = xLog
        self.xReversed = xReversed
    }

    func render() -> String {
        let xs = marks.map(\.x) + lines.flatMap { $0.points.map(\.x) } + verticals.map(\.x)
        let ys = marks.map(\.y) + lines.flatMap { $0.points.map(\.y) }
        let finiteX = xs.filter { $0.isFinite && (!xLog || $0 > 0) }
        let finiteY = ys.filter(\.isFinite)
        guard var xMin = finiteX.min(), var xMax = finiteX.max(), var yMin = finiteY.min(), var yMax = finiteY.max()
        else {
            return
                "<svg class=\"plot\" width=\"\(Int(width))\" height=\"40\"><text x=\"8\" y=\"24\">no data</text></svg>"
        }
        if xLog {
            xMin = log10(xMin)
            xMax = log10(xMax)
        }
        if xMax - xMin < 1e-9 {
            xMin -= 0.5
            xMax += 0.5
        }
        if yMax - yMin < 1e-9 {
            yMin -= 0.05
            yMax += 0.05
        }
        let xPad = (xMax - xMin) * 0.04
        let yPad = (yMax - yMin) * 0.08
        xMin -= xPad
        xMax += xPad
        yMin -= yPad
        yMax += yPad
        let plotWidth = width - left - right
        let plotHeight = height - top - bottom
        func px(_ raw: Double) -> Double {
            let x = xLog ? log10(max(raw, 1e-300)) : raw
            let fraction = (x - xMin) / (xMax - xMin)
            return left + (xReversed ? 1 - fraction : fraction) * plotWidth
        }
        func py(_ y: Double) -> Double { top + (1 - (y - yMin) / (yMax - yMin)) * plotHeight }
        func f(_ v: Double) -> String { String(format: "%.1f", v) }

        var svg = "<svg class=\"plot\" viewBox=\"0 0 \(Int(width)) __HEIGHT__\" width=\"\(Int(width))\" "
        svg += "height=\"__HEIGHT__\" xmlns=\"http://www.w3.org/2000/svg\" font-family=\"inherit\" font-size=\"11\">"
        svg +=
            "<rect x=\"\(f(left))\" y=\"\(f(top))\" width=\"\(f(plotWidth))\" height=\"\(f(plotHeight))\" fill=\"#fff\" stroke=\"#c9ced6\"/>"
        svg +=
            "<defs><clipPath id=\"c\(Int(width))x\(Int(height))\"><rect x=\"\(f(left))\" y=\"\(f(top))\" width=\"\(f(plotWidth))\" height=\"\(f(plotHeight))\"/></clipPath></defs>"
        // Ticks and grid.
        for tick in Self.ticks(lower: yMin, upper: yMax) {
            let y = py(tick)
            svg +=
                "<line x1=\"\(f(left))\" x2=\"\(f(left + plotWidth))\" y1=\"\(f(y))\" y2=\"\(f(y))\" stroke=\"#eef0f3\"/>"
            svg +=
                "<text x=\"\(f(left - 6))\" y=\"\(f(y + 3.5))\" text-anchor=\"end\" fill=\"#444\">\(Self.label(tick))</text>"
        }
        let xTicks = xLog ? Self.logTicks(lower: xMin, upper: xMax) : Self.ticks(lower: xMin, upper: xMax)
        for tick in xTicks {
            let x = px(tick)
            svg +=
                "<line x1=\"\(f(x))\" x2=\"\(f(x))\" y1=\"\(f(top))\" y2=\"\(f(top + plotHeight))\" stroke=\"#eef0f3\"/>"
            svg +=
                "<line x1=\"\(f(x))\" x2=\"\(f(x))\" y1=\"\(f(top + plotHeight))\" y2=\"\(f(top + plotHeight + 4))\" stroke=\"#888\"/>"
            let text = xLog ? Self.logLabel(tick) : Self.label(tick)
            svg +=
                "<text x=\"\(f(x))\" y=\"\(f(top + plotHeight + 16))\" text-anchor=\"middle\" fill=\"#444\">\(text)</text>"
        }
        svg +=
            "<text x=\"\(f(left + plotWidth / 2))\" y=\"\(f(height - 8))\" text-anchor=\"middle\" fill=\"#222\" font-size=\"12\">\(Self.escape(xLabel))</text>"
        svg +=
            "<text transform=\"translate(14 \(f(top + plotHeight / 2))) rotate(-90)\" text-anchor=\"middle\" fill=\"#222\" font-size=\"12\">\(Self.escape(yLabel))</text>"
        svg += "<g clip-path=\"url(#c\(Int(width))x\(Int(height)))\">"
        for band in bands {
            let a = px(band.lower)
            let b = px(band.upper)
            svg +=
                "<rect x=\"\(f(min(a, b)))\" y=\"\(f(top))\" width=\"\(f(abs(b - a)))\" height=\"\(f(plotHeight))\" fill=\"\(band.color)\" opacity=\"0.18\"/>"
        }
        for vertical in verticals {
            let x = px(vertical.x)
            svg +=
                "<line x1=\"\(f(x))\" x2=\"\(f(x))\" y1=\"\(f(top))\" y2=\"\(f(top + plotHeight))\" stroke=\"\(vertical.color)\" stroke-width=\"1.5\"/>"
            svg +=
                "<text x=\"\(f(x + 4))\" y=\"\(f(top + 12))\" fill=\"\(vertical.color)\">\(Self.escape(vertical.label))</text>"
        }
        for line in lines where line.points.count >= 2 {
            let path = line.points.filter { $0.y.isFinite }.map { "\(f(px($0.x))),\(f(py($0.y)))" }.joined(
                separator: " ")
            let dash = line.dashed ? " stroke-dasharray=\"5 4\"" : ""
            svg +=
                "<polyline points=\"\(path)\" fill=\"none\" stroke=\"\(line.color)\" stroke-width=\"\(line.width)\"\(dash)/>"
        }
        for mark in marks where mark.x.isFinite && mark.y.isFinite {
            svg +=
                "<circle cx=\"\(f(px(mark.x)))\" cy=\"\(f(py(mark.y)))\" r=\"3.6\" fill=\"\(mark.color)\" fill-opacity=\"0.85\" stroke=\"#fff\" stroke-width=\"0.7\"><title>\(Self.escape(mark.title))</title></circle>"
        }
        svg += "</g>"
        // Legend: a row (wrapping) under the x-axis label, so it never hides data.
        var legendX = left
        var legendY = height + 6
        for entry in legend {
            let itemWidth = 30 + Double(entry.label.count) * 6.1
            if legendX + itemWidth > width - right, legendX > left {
                legendX = left
                legendY += 16
            }
            let y = legendY
            switch entry.kind {
            case "dot":
                svg += "<circle cx=\"\(f(legendX + 8))\" cy=\"\(f(y))\" r=\"3.6\" fill=\"\(entry.color)\"/>"
            case "band":
                svg +=
                    "<rect x=\"\(f(legendX))\" y=\"\(f(y - 5))\" width=\"16\" height=\"10\" fill=\"\(entry.color)\" opacity=\"0.25\"/>"
            default:
                let dash = entry.kind == "dash" ? " stroke-dasharray=\"4 3\"" : ""
                svg +=
                    "<line x1=\"\(f(legendX))\" x2=\"\(f(legendX + 16))\" y1=\"\(f(y))\" y2=\"\(f(y))\" stroke=\"\(entry.color)\" stroke-width=\"2\"\(dash)/>"
            }
            svg += "<text x=\"\(f(legendX + 21))\" y=\"\(f(y + 3.5))\" fill=\"#333\">\(Self.escape(entry.label))</text>"
            legendX += itemWidth
        }
        let totalHeight = legend.isEmpty ? height : legendY + 12
        svg = svg.replacingOccurrences(of: "__HEIGHT__", with: String(Int(totalHeight)))
        svg += "</svg>"
        return svg
    }

    /// "Nice" linear ticks (steps of 1, 2 or 5 × 10^k), about five across the range.
    static func ticks(lower: Double, upper: Double) -> [Double] {
        let span = upper - lower
        guard span > 0, span.isFinite else { return [lower] }
        let raw = span / 5
        let magnitude = pow(10, floor(log10(raw)))
        let step = [1.0, 2, 5, 10].map { $0 * magnitude }.first { $0 >= raw } ?? 10 * magnitude
        var ticks: [Double] = []
        var tick = ceil(lower / step) * step
        while tick <= upper + step * 1e-9 {
            ticks.append(abs(tick) < step * 1e-9 ? 0 : tick)
            tick += step
        }
        return ticks
    }

    /// Ticks for a log axis given in log10 units: decades, or 1-2-5 within a narrow range.
    static func logTicks(lower: Double, upper: Double) -> [Double] {
        var ticks: [Double] = []
        let multipliers: [Double] = upper - lower < 1.5 ? [1, 2, 5] : [1]
        for decade in Int(floor(lower))...Int(ceil(upper)) {
            for m in multipliers {
                let value = m * pow(10, Double(decade))
                if log10(value) >= lower && log10(value) <= upper { ticks.append(value) }
            }
        }
        return ticks
    }

    static func label(_ value: Double) -> String {
        let text = String(format: "%.4g", value)
        return text == "-0" ? "0" : text
    }

    static func logLabel(_ value: Double) -> String {
        let exponent = Int(floor(log10(value) + 1e-9))
        let mantissa = value / pow(10, Double(exponent))
        let lead = abs(mantissa - 1) < 1e-6 ? "" : String(format: "%g×", mantissa)
        return "\(lead)10<tspan dy=\"-5\" font-size=\"8\">\(exponent)</tspan>"
    }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
