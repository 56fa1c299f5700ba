import Foundation

/// The web UI's static files, bundled with the binary.
public enum PlatformWeb {
    /// The folder holding `index.html` and its assets.
    public static var folder: URL? { Bundle.module.url(forResource: "Web", withExtension: nil) }
}
