//! The calibration of the net delay, committed as data (`bitstreams/data/timing_calibration.json`).
//!
//! Reference: secworks/sha256 runs at **116 MHz on the xc7z030fbg676-1** after Vivado place
//! and route (its README: Vivado 2014.4, 2,308 LUT). `satchain_hdl::calib::CalibSha256` has
//! the same round structure; the net delay per hop was tuned (by bisection, `bin/timing-
//! calibrate.rs`) until the model's figure for that block, synthesized by the same yosys flow,
//! reproduces 116 MHz. A test re-runs the model on the block and checks it stays within
//! ±10 % (`tests/timing_calibration.rs`).

use super::delays::NetModel;
use super::TimingError;

/// The committed calibration file.
pub const CALIBRATION_JSON: &str = include_str!("../../data/timing_calibration.json");

/// Allowed relative distance between the model's figure for the reference and the reference.
pub const TOLERANCE: f64 = 0.10;

/// The calibration record.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Calibration {
    /// What the reference is (`"secworks sha256 round, xc7z030-1"`).
    pub reference: String,
    /// The published place-and-route figure.
    pub reference_mhz: f64,
    /// Where the reference figure is published.
    pub reference_source: String,
    /// The RTL block that stands for the reference here (`calib_sha256`).
    pub block: String,
    /// The tuned net delay per hop (ns) and its fanout term.
    pub net: NetModel,
    /// The model's figure for `block` with `net`, when it was calibrated.
    pub model_mhz: f64,
    /// The yosys that synthesized `block` for the calibration.
    pub yosys_version: String,
}

impl Calibration {
    /// The committed calibration.
    pub fn shipped() -> Result<Calibration, TimingError> {
        Self::from_json(CALIBRATION_JSON)
    }

    /// Reads a calibration record and checks it is usable.
    pub fn from_json(s: &str) -> Result<Calibration, TimingError> {
        let c: Calibration =
            serde_json::from_str(s).map_err(|e| TimingError::Calibration(e.to_string()))?;
        let ok = |x: f64| x.is_finite() && x > 0.0;
        if !ok(c.reference_mhz) || !ok(c.model_mhz) || !ok(c.net.base_ns) {
            return Err(TimingError::Calibration(
                "reference_mhz, model_mhz and net.base_ns must be positive".into(),
            ));
        }
        if !(c.net.fanout_factor.is_finite() && c.net.fanout_factor >= 0.0) {
            return Err(TimingError::Calibration(
                "net.fanout_factor must be >= 0".into(),
            ));
        }
        Ok(c)
    }

    /// Relative error of a model figure against the reference (`model / reference - 1`).
    pub fn error(&self, model_mhz: f64) -> f64 {
        model_mhz / self.reference_mhz - 1.0
    }

    /// True when `model_mhz` is within [`TOLERANCE`] of the reference.
    pub fn holds(&self, model_mhz: f64) -> bool {
        self.error(model_mhz).abs() <= TOLERANCE
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn shipped_calibration_reads_and_is_self_consistent() {
        let c = Calibration::shipped().unwrap();
        assert_eq!(c.reference, "secworks sha256 round, xc7z030-1");
        assert_eq!(c.reference_mhz, 116.0);
        assert_eq!(c.block, "calib_sha256");
        // The figure recorded at calibration time is itself within the tolerance.
        assert!(c.holds(c.model_mhz), "{c:?}");
    }

    #[test]
    fn bad_records_are_refused() {
        let good = Calibration::shipped().unwrap();
        let mut bad = good.clone();
        bad.net.base_ns = -1.0;
        let s = serde_json::to_string(&bad).unwrap();
        assert!(matches!(
            Calibration::from_json(&s),
            Err(TimingError::Calibration(_))
        ));
        assert!(matches!(
            Calibration::from_json("{}"),
            Err(TimingError::Calibration(_))
        ));
        assert!(
            good.holds(116.0 * 1.099) && !good.holds(116.0 * 1.11) && !good.holds(116.0 * 0.89)
        );
    }
}
