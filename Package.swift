// swift-tools-version:6.1
// stageset-agent: a systemd host agent that rolls Kubernetes manifests out in ordered, gated stages.
// Targets are layered; imports only go downward (see docs/architecture.md).
import PackageDescription

let package = Package(
    name: "stageset-agent",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "stageset-agent", targets: ["stageset-agent"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/swiftlang/swift-subprocess.git", from: "1.0.2"),
        .package(url: "https://github.com/apple/swift-system.git", from: "1.4.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
    ],
    targets: [
        // Data formats
        .target(name: "JSON"),
        // RFC 3339 timestamps (Kubernetes, credential services, status files)
        .target(name: "Timestamps"),
        .systemLibrary(name: "CYAML", pkgConfig: "yaml-0.1", providers: [.apt(["libyaml-dev"])]),
        .target(name: "YAML", dependencies: ["CYAML", "JSON"]),

        // Cryptography: OpenSSL 3 primitives, age
        .target(name: "COpenSSL", linkerSettings: [.linkedLibrary("crypto"), .linkedLibrary("ssl")]),
        .target(name: "CryptoPrimitives", dependencies: ["COpenSSL"]),
        .target(name: "AgeCrypto", dependencies: ["CryptoPrimitives"]),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        .target(name: "OpenPGP", dependencies: ["CryptoPrimitives", "CZlib"]),

        // Cloud KMS clients (AWS, GCP, Azure Key Vault, Vault transit) with ambient credentials
        .target(name: "KMS", dependencies: ["HTTP", "JSON", "CryptoPrimitives", "Timestamps"]),

        // SOPS decryption (stores, MAC, key groups) with age, OpenPGP and KMS master keys
        .target(name: "SOPS", dependencies: ["JSON", "YAML", "CryptoPrimitives", "AgeCrypto", "OpenPGP", "HostSecrets", "KMS"]),

        // HTTP over libcurl
        .target(name: "CCurl", linkerSettings: [.linkedLibrary("curl")]),
        .target(name: "HTTP", dependencies: ["CCurl"]),

        // Host facilities: "Secrets" as directories or systemd credentials; external programs
        .target(name: "HostSecrets"),
        .target(name: "HostProcess", dependencies: [
            .product(name: "Subprocess", package: "swift-subprocess"),
            .product(name: "SystemPackage", package: "swift-system"),
        ]),

        // The Kubernetes client: kubeconfig, discovery, server-side apply, kstatus
        .target(name: "Kube", dependencies: ["HTTP", "JSON", "YAML", "HostProcess", "Timestamps"]),

        // Configuration model
        .target(name: "StageSpec", dependencies: ["YAML", "JSON"]),

        // Sources and build
        .target(name: "Fetch", dependencies: ["StageSpec", "HostSecrets", "HostProcess", "HTTP", "CryptoPrimitives", "JSON"]),
        .target(name: "Build", dependencies: ["Fetch", "StageSpec", "HostProcess", "YAML", "JSON"]),

        // State directory: status, inventory, (later) the rollback store
        .target(name: "Store", dependencies: ["AgeCrypto", "CryptoPrimitives", "Timestamps"]),

        // systemd integration: sd_notify and journald/text/JSON log handlers (native protocols, no libsystemd)
        .target(name: "Systemd", dependencies: ["Timestamps", .product(name: "Logging", package: "swift-log")]),

        // The stage engine
        .target(name: "Rollout", dependencies: [
            "StageSpec", "Fetch", "Build", "Store", "Kube", "SOPS", "KMS", "HostSecrets", "JSON", "YAML", "CryptoPrimitives", "Timestamps",
            .product(name: "Logging", package: "swift-log"),
        ]),

        // The daemon: per-StageSet scheduling, reload, control socket, service-manager notifications
        .target(name: "Daemon", dependencies: [
            "Rollout", "StageSpec", "Store", "JSON",
            .product(name: "Logging", package: "swift-log"),
            .product(name: "UnixSignals", package: "swift-service-lifecycle"),
        ]),

        // The executable
        .executableTarget(name: "stageset-agent", dependencies: [
            "StageSpec", "Fetch", "Build", "Rollout", "Daemon", "Kube", "Store", "SOPS", "KMS", "HTTP", "HostSecrets", "AgeCrypto", "YAML", "JSON", "Systemd",
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Logging", package: "swift-log"),
        ]),

        // Test tools (never shipped): shared test helpers and the Kubernetes API emulator
        .target(name: "CTestSupportShims", path: "Tests/CTestSupportShims"),
        .target(name: "TestSupport", dependencies: ["JSON", "CTestSupportShims"], path: "Tests/TestSupport"),
        .target(name: "KMSTestSupport", dependencies: ["TestSupport", "JSON", "HTTP", "KMS"], path: "Tests/KMSTestSupport",
            exclude: ["Servers", "README.md"]),
        .target(name: "CKubeEmulatorShims", dependencies: ["COpenSSL"], linkerSettings: [.linkedLibrary("ssl"), .linkedLibrary("crypto")]),
        .target(name: "KubeEmulator", dependencies: ["COpenSSL", "CKubeEmulatorShims", "TestSupport"], exclude: ["README.md"]),
        .executableTarget(name: "kube-emulator", dependencies: ["KubeEmulator"]),
        .executableTarget(name: "stageset-agent-bench", dependencies: [
            "Rollout", "Kube", "KubeEmulator", "HTTP", "Fetch", "Build", "StageSpec", "Store", "HostSecrets", "SOPS", "JSON", "YAML", "TestSupport",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Logging", package: "swift-log"),
        ]),

        .testTarget(name: "JSONTests", dependencies: ["JSON", "TestSupport"]),
        .testTarget(name: "TimestampsTests", dependencies: ["Timestamps", "TestSupport"]),
        .testTarget(name: "YAMLTests", dependencies: ["YAML", "JSON", "TestSupport"]),
        .testTarget(name: "CryptoPrimitivesTests", dependencies: ["CryptoPrimitives", "TestSupport"]),
        .testTarget(name: "AgeCryptoTests", dependencies: ["AgeCrypto", "CryptoPrimitives", "TestSupport"], exclude: ["Fixtures"]),
        .testTarget(name: "OpenPGPTests", dependencies: ["OpenPGP", "CryptoPrimitives", "TestSupport"], exclude: ["Generators"]),
        .testTarget(name: "SOPSTests", dependencies: ["SOPS", "OpenPGP", "KMS", "JSON", "YAML", "CryptoPrimitives", "AgeCrypto", "HostSecrets", "TestSupport", "KMSTestSupport"]),
        .testTarget(name: "KMSTests", dependencies: ["KMS", "HTTP", "JSON", "CryptoPrimitives", "HostSecrets", "TestSupport", "KMSTestSupport"]),
        .testTarget(name: "HTTPTests", dependencies: ["HTTP", "TestSupport"], exclude: ["Servers"]),
        .testTarget(name: "KubeEmulatorTests", dependencies: ["KubeEmulator", "TestSupport"]),
        .testTarget(name: "KubeTests", dependencies: ["Kube", "HTTP", "JSON", "KubeEmulator", "TestSupport"], exclude: ["Servers"]),
        .testTarget(name: "HostSecretsTests", dependencies: ["HostSecrets", "TestSupport"]),
        .testTarget(name: "HostProcessTests", dependencies: ["HostProcess"]),
        .testTarget(name: "StageSpecTests", dependencies: ["StageSpec"]),
        .testTarget(name: "FetchTests", dependencies: ["Fetch", "StageSpec", "HostSecrets", "TestSupport"], exclude: ["Servers"]),
        .testTarget(name: "BuildTests", dependencies: ["Build", "Fetch", "StageSpec", "JSON", "TestSupport"]),
        .testTarget(name: "StoreTests", dependencies: ["Store", "AgeCrypto", "TestSupport"]),
        .testTarget(name: "DaemonTests", dependencies: ["Daemon", "Rollout", "StageSpec", "Store", "Kube", "KubeEmulator", "Fetch", "HostSecrets", "JSON", "TestSupport"]),
        .testTarget(name: "AgentCLITests", dependencies: ["stageset-agent", "KubeEmulator", "Store", "AgeCrypto", "TestSupport"]),
        .testTarget(name: "RolloutTests", dependencies: ["Rollout", "AgeCrypto", "KMS", "KMSTestSupport", "StageSpec", "Fetch", "Build", "Store", "Kube", "KubeEmulator", "HostSecrets", "JSON", "TestSupport"]),
        .testTarget(name: "SystemdTests", dependencies: ["Systemd", "TestSupport", .product(name: "Logging", package: "swift-log")]),
        .testTarget(name: "PackagingTests", dependencies: ["stageset-agent", "KubeEmulator", "TestSupport"]),
    ]
)
