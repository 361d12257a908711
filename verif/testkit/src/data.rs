//! The shared test data (`../shared/data` beside the repository: real blocks, vectors): one
//! place that knows where it is, and one loud message when it is missing.

use std::path::PathBuf;

/// The directory: `shared/data` beside the repository (this crate is `<repo>/verif/testkit`).
pub fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data")
}

/// `rel` inside the shared data, or a message naming the path that is missing.
pub fn path(rel: &str) -> Result<PathBuf, String> {
    let p = dir().join(rel);
    if p.exists() {
        Ok(p)
    } else {
        Err(format!(
            "TEST DATA MISSING: {} not found (the project's shared/data directory beside the \
             repository); this needs the real data and does not pass without it",
            p.display()
        ))
    }
}

/// [`path`], panicking with its message (tests).
pub fn path_or_panic(rel: &str) -> PathBuf {
    path(rel).unwrap_or_else(|e| panic!("{e}"))
}

/// The bytes of `rel`, panicking with the path when it cannot be read (tests).
pub fn read(rel: &str) -> Vec<u8> {
    let p = path_or_panic(rel);
    std::fs::read(&p).unwrap_or_else(|e| panic!("cannot read {}: {e}", p.display()))
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_missing_file_is_named_in_the_error() {
        let e = super::path("no/such/file.raw").err().unwrap_or_default();
        assert!(
            e.contains("no/such/file.raw") && e.contains("MISSING"),
            "{e}"
        );
    }
}
