//! Issue 15, item 6: the committed generated documents (`hdl/regmap/registers.md`, the README
//! hardware table) are what the generator writes from the register map and the committed
//! hw-report. Cheap: no synthesis, no simulation.

use bitstreams::docs;

#[test]
fn generated_docs_are_current() {
    let root = docs::workspace_root();
    let generated = match docs::generate(&root) {
        Ok(g) => g,
        Err(e) => panic!("generating the documents failed: {e}"),
    };
    let mut stale = Vec::new();
    for d in &generated {
        let committed = std::fs::read_to_string(root.join(d.path)).unwrap_or_default();
        if committed != d.text {
            let line = committed
                .lines()
                .zip(d.text.lines())
                .position(|(a, b)| a != b)
                .map_or_else(|| "its length".to_string(), |i| format!("line {}", i + 1));
            stale.push(format!("{} (first difference: {line})", d.path));
        }
    }
    assert!(
        stale.is_empty(),
        "generated documents out of date: {}; run `{}` and commit the result",
        stale.join(", "),
        docs::GEN_COMMAND
    );
}
