fn main() {
    // generate_context!() needs the built web UI; say how to get it instead of a cryptic error.
    let dist = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("ui").join("dist");
    if !dist.join("index.html").exists() {
        println!(
            "cargo::warning=ui/dist is missing: run `npm --prefix ui ci && npm --prefix ui run build` first (scripts/test and scripts/dev do)"
        );
    }
    // The isolation frame (tauri.conf.json's pattern) is embedded as it is: rebuild when it changes.
    println!("cargo::rerun-if-changed=ui/isolation");
    tauri_build::build()
}
