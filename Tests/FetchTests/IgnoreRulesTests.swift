import Testing
@testable import Fetch

@Suite struct IgnoreRulesTests {
    static let paths = [
        "a.yaml", "logo.png", "app/logo.png", "app/png", "app/.png", "app/x.png/inner.yaml", "release.tar.gz", "app/release.tar.gz",
        ".sops.yaml", "app/.sops.yaml", "app/sub/.sops.yaml", "app/x.sops.yaml", "app/.sops.yaml.bak", ".git/config",
        "app/.github/workflow.yaml", ".github/ci.yaml", "appveyor.yml", "app/appveyor.yml", "docs/a/b/c.md", "a/docs/c.md",
        "dir/ends-with.yaml", "ends-with.yaml", "x/y/z",
    ]
    static let patterns = [
        "*.png", "*.tar.gz", "**/.sops.yaml", "appveyor.yml", ".github/", "docs/", "/docs", "*/c.md", "**/c.md", "**/a/b",
        "x/y/z", "*", "**", "a?yaml", "[ab]*.yaml", "dir/**", "!app/logo.png", "\\!important", "*.y[a]ml", "**/*.yaml",
    ]

    @Test func everyPatternShapeMatchesExactlyAsTheGeneralGlob() {
        for pattern in Self.patterns {
            let rules = IgnoreRules(pattern)
            for rule in rules.rules {
                for path in Self.paths {
                    let text = Array(path.utf8)[...]
                    #expect(rule.matches(text) == IgnoreRules.glob(rule.pattern[...], text), "pattern \(pattern) on \(path)")
                }
            }
        }
    }

    @Test func commonFormsTakeTheirShortcut() {
        func shape(_ pattern: String) -> IgnoreRules.PatternShape? { IgnoreRules(pattern).rules.first?.shape }
        #expect(shape("appveyor.yml") == .literal)
        #expect(shape("*.tar.gz") == .anyNameEnding(Array(".tar.gz".utf8)))
        #expect(shape("**/.sops.yaml") == .atAnyDepth(Array(".sops.yaml".utf8)))
        #expect(shape("*.y[a]ml") == .glob)
        #expect(shape("**") == .glob)
    }

    @Test func fluxDefaultsExcludeWhatFluxExcludes() {
        let rules = IgnoreRules(IgnoreRules.fluxDefaults)
        for excluded in ["logo.png", "app/logo.png", "app/.sops.yaml", ".github/ci.yaml", "app/.git/config", "bundle.tar.gz", "cloudbuild.yaml", "app/x.png/inner.yaml"] {
            #expect(rules.isIgnored(excluded), "\(excluded)")
        }
        for kept in ["app/a.yaml", "app/sops.yaml", "app/png", "app/cloudbuild.yaml.d/a.yaml"] {
            #expect(!rules.isIgnored(kept), "\(kept)")
        }
    }
}
