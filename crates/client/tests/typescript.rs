//! The window's TypeScript types are generated from the Rust view types: this fails when
//! ui/src/generated/core.ts is not what the Rust types generate (run with TANDEM_WRITE_TYPES=1
//! to write it after changing them).

#[test]
fn the_ui_types_are_the_ones_the_rust_view_generates() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../ui/src/generated/core.ts");
    let generated = tandem_client::desktop::typescript();
    if std::env::var_os("TANDEM_WRITE_TYPES").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, &generated).unwrap();
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "ui/src/generated/core.ts is out of date with the Rust view types: run \
         `TANDEM_WRITE_TYPES=1 cargo test -p tandem-client --test typescript` and commit the file"
    );
}
