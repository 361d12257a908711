//! Recoder: signed wNAF digits of scalars into the cluster's digit RAM, one digit per clock
//! (ARCH.md, "Recoder"; ISA.md, "REC"). See `README.md`.

pub mod model;
pub mod rtl;

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    /// The Verilog generates; it is written to `target/vcore/recoder.v` for yosys (README.md).
    #[test]
    fn recoder_generates_verilog() {
        let v = super::rtl::verilog();
        assert!(v.contains("module top("));
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/vcore");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("recoder.v"), v).unwrap();
    }
}
