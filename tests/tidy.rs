//! Tidy checks: the architecture invariants of the README, enforced (as rust-analyzer does).

use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn files(dir: &Path, ext: &str, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        if path.is_dir() && !matches!(name.as_str(), "target" | "node_modules" | "dist" | "gen" | ".git") {
            files(&path, ext, out);
        } else if name.ends_with(ext) {
            out.push(path);
        }
    }
}

fn sources() -> Vec<PathBuf> {
    let mut out = Vec::new();
    for dir in ["crates", "src-tauri", "tests", "ui/src", "ui/tests"] {
        files(&root().join(dir), ".rs", &mut out);
        files(&root().join(dir), ".ts", &mut out);
    }
    out
}

#[test]
fn no_source_file_is_over_800_lines() {
    let long: Vec<String> = sources()
        .iter()
        .filter_map(|p| {
            let lines = std::fs::read_to_string(p).unwrap().lines().count();
            (lines > 800).then(|| format!("{} ({lines} lines)", p.display()))
        })
        .collect();
    assert!(long.is_empty(), "split these by responsibility: {long:?}");
}

#[test]
fn no_debug_leftovers() {
    let dbg: Vec<String> = sources()
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "rs"))
        .filter(|p| std::fs::read_to_string(p).unwrap().contains(concat!("dbg", "!(")))
        .map(|p| p.display().to_string())
        .collect();
    assert!(dbg.is_empty(), "remove dbg!: {dbg:?}");
}

/// Dependencies of a crate's `[dependencies]` table (not dev-dependencies).
fn dependencies(manifest: &str) -> Vec<String> {
    let text = std::fs::read_to_string(root().join(manifest)).unwrap();
    let mut in_deps = false;
    let mut deps = Vec::new();
    for line in text.lines() {
        if line.starts_with('[') {
            in_deps = line.trim() == "[dependencies]";
        } else if in_deps && let Some((name, _)) = line.split_once('=') {
            deps.push(name.trim().trim_end_matches(".workspace").to_owned());
        }
    }
    deps
}

#[test]
fn the_protocol_core_does_no_io() {
    let io = ["tokio", "rusqlite", "reqwest", "axum", "hyper", "tauri", "tokio-tungstenite", "getrandom", "rand"];
    let deps = dependencies("crates/proto/Cargo.toml");
    let found: Vec<&String> = deps.iter().filter(|d| io.contains(&d.as_str())).collect();
    assert!(found.is_empty(), "crates/proto must not depend on {found:?}");
}

#[test]
fn only_the_store_and_the_relay_hold_sql() {
    for manifest in ["crates/proto/Cargo.toml", "crates/client/Cargo.toml", "crates/cli/Cargo.toml", "Cargo.toml"] {
        let deps = dependencies(manifest);
        assert!(!deps.iter().any(|d| d == "rusqlite"), "{manifest} must not use rusqlite");
    }
}

#[test]
fn the_shell_and_the_cli_use_only_the_client_api() {
    for manifest in ["Cargo.toml", "crates/cli/Cargo.toml"] {
        let deps = dependencies(manifest);
        for forbidden in ["tandem-proto", "tandem-store", "tandem-relay", "reqwest"] {
            assert!(
                !deps.iter().any(|d| d == forbidden),
                "{manifest} must reach the core only through tandem-client, not {forbidden}"
            );
        }
    }
}

#[test]
fn only_the_backend_module_talks_to_tauri_in_the_ui() {
    let mut ts = Vec::new();
    files(&root().join("ui/src"), ".ts", &mut ts);
    for path in ts {
        let text = std::fs::read_to_string(&path).unwrap();
        if text.contains("@tauri-apps/api") {
            assert!(path.ends_with("backend.ts"), "{} imports @tauri-apps/api", path.display());
        }
    }
}
