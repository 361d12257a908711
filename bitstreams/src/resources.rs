//! From yosys cell counts to XC7Z030 resources, and the budget check.

use crate::yosys::CellCounts;
use serde::{Deserialize, Serialize};

/// The fabric of one device, in the units the budget is checked in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Device {
    pub name: &'static str,
    pub lut: u64,
    pub ff: u64,
    pub dsp: u64,
    /// 36 Kb block RAMs (each can be used as two 18 Kb halves).
    pub bram36: u64,
    /// One CARRY4 per slice: slices = LUT6 / 4.
    pub carry4: u64,
}

/// XC7Z030 (Zynq-7000, 125K logic cells): DS190 table 1.
pub const XC7Z030: Device = Device {
    name: "xc7z030",
    lut: 78_600,
    ff: 157_200,
    dsp: 400,
    bram36: 265,
    carry4: 78_600 / 4,
};

/// The share of any resource the accelerator may use (the payload needs room for other logic):
/// 70 %, as a ratio so the check is exact integer arithmetic.
pub const BUDGET_RATIO: (u64, u64) = (7, 10);

/// Resources of one synthesized design (a block or the whole top).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Resources {
    /// LUT sites: LUT1..LUT6 as logic plus LUTs used as distributed RAM / shift registers.
    /// yosys does not pack two small LUTs into one LUT6_2 site, so this is an upper bound.
    pub lut: u64,
    /// Of `lut`, the LUTs used as distributed RAM or SRL (SLICEM only).
    pub lut_as_memory: u64,
    /// Flip-flops (FDRE/FDSE/FDCE/FDPE) and latches.
    pub ff: u64,
    pub carry4: u64,
    /// DSP48E1 slices.
    pub dsp: u64,
    pub ramb36: u64,
    pub ramb18: u64,
    /// RAMB36 equivalents: `ramb36 + ramb18 / 2`.
    pub bram36: f64,
    pub muxf7: u64,
    pub muxf8: u64,
    /// Cell types this table does not classify (e.g. a new primitive), with counts:
    /// listed so that nothing is dropped silently.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unclassified: Vec<(String, u64)>,
}

/// LUT sites a primitive occupies, for the LUT-based cells `synth_xilinx` emits on 7-series.
fn lut_sites(cell: &str) -> Option<(u64, bool)> {
    // (sites, is_memory)
    Some(match cell {
        // yosys leaves a few inverters as INV cells; Vivado implements each as a LUT1.
        "LUT1" | "LUT2" | "LUT3" | "LUT4" | "LUT5" | "LUT6" | "LUT6_2" | "INV" => (1, false),
        "SRL16E" | "SRLC16E" | "SRLC32E" => (1, true),
        "RAM32X1S" | "RAM64X1S" => (1, true),
        "RAM32X1D" | "RAM64X1D" | "RAM128X1S" => (2, true),
        "RAM128X1D" | "RAM256X1S" | "RAM32M" | "RAM64M" => (4, true),
        _ => return None,
    })
}

impl Resources {
    /// Classifies `stat` cell counts. Buffers (BUFG, IBUF, OBUF) and constant drivers (GND,
    /// VCC) are ignored: they are not fabric logic.
    pub fn from_cells(cells: &CellCounts) -> Self {
        let mut r = Resources::default();
        for (name, &n) in cells {
            if let Some((sites, mem)) = lut_sites(name) {
                r.lut += sites * n;
                if mem {
                    r.lut_as_memory += sites * n;
                }
                continue;
            }
            match name.as_str() {
                "FDRE" | "FDSE" | "FDCE" | "FDPE" | "FDRE_1" | "FDSE_1" | "FDCE_1" | "FDPE_1"
                | "LDCE" | "LDPE" => r.ff += n,
                "CARRY4" => r.carry4 += n,
                "DSP48E1" => r.dsp += n,
                "RAMB36E1" => r.ramb36 += n,
                "RAMB18E1" => r.ramb18 += n,
                "MUXF7" => r.muxf7 += n,
                "MUXF8" => r.muxf8 += n,
                "BUFG" | "BUFGCTRL" | "IBUF" | "OBUF" | "IOBUF" | "OBUFT" | "GND" | "VCC" => {}
                other => r.unclassified.push((other.to_string(), n)),
            }
        }
        // Precision: counts are far below 2^53.
        #[allow(clippy::cast_precision_loss)]
        {
            r.bram36 = r.ramb36 as f64 + r.ramb18 as f64 / 2.0;
        }
        r
    }

    /// Utilization of each budgeted resource on `dev`, as fractions of the whole device.
    pub fn utilization(&self, dev: &Device) -> Utilization {
        #[allow(clippy::cast_precision_loss)]
        let f = |a: u64, b: u64| a as f64 / b as f64;
        #[allow(clippy::cast_precision_loss)]
        Utilization {
            lut: f(self.lut, dev.lut),
            ff: f(self.ff, dev.ff),
            dsp: f(self.dsp, dev.dsp),
            bram36: self.bram36 / dev.bram36 as f64,
            carry4: f(self.carry4, dev.carry4),
        }
    }
}

/// Fractions (0.0..) of the device each resource takes.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Utilization {
    pub lut: f64,
    pub ff: f64,
    pub dsp: f64,
    pub bram36: f64,
    pub carry4: f64,
}

impl Utilization {
    /// `(resource name, fraction)` pairs, in table order.
    pub fn pairs(&self) -> [(&'static str, f64); 5] {
        [
            ("LUT", self.lut),
            ("FF", self.ff),
            ("CARRY4", self.carry4),
            ("DSP48E1", self.dsp),
            ("RAMB36", self.bram36),
        ]
    }
}

impl Resources {
    /// Resources that use more than `num/den` of `dev` (exact integer comparison), each with
    /// its utilization fraction.
    pub fn over_budget(&self, dev: &Device, (num, den): (u64, u64)) -> Vec<(&'static str, f64)> {
        let u = self.utilization(dev);
        let checks = [
            ("LUT", self.lut * den > dev.lut * num, u.lut),
            ("FF", self.ff * den > dev.ff * num, u.ff),
            ("CARRY4", self.carry4 * den > dev.carry4 * num, u.carry4),
            ("DSP48E1", self.dsp * den > dev.dsp * num, u.dsp),
            // In RAMB18 halves: 2 * RAMB36 + RAMB18 against 2 * capacity.
            (
                "RAMB36",
                (2 * self.ramb36 + self.ramb18) * den > 2 * dev.bram36 * num,
                u.bram36,
            ),
        ];
        checks
            .into_iter()
            .filter(|c| c.1)
            .map(|c| (c.0, c.2))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cells(v: &[(&str, u64)]) -> CellCounts {
        v.iter().map(|&(k, n)| (k.to_string(), n)).collect()
    }

    #[test]
    fn classification_counts_lut_sites_and_memory() {
        let r = Resources::from_cells(&cells(&[
            ("LUT6", 10),
            ("LUT2", 5),
            ("RAM64M", 3),
            ("RAM32M", 1),
            ("SRLC32E", 2),
            ("FDRE", 7),
            ("FDSE", 1),
            ("CARRY4", 4),
            ("DSP48E1", 2),
            ("RAMB36E1", 1),
            ("RAMB18E1", 3),
            ("MUXF7", 6),
            ("BUFG", 1),
            ("GND", 1),
            ("FOO9", 2),
        ]));
        assert_eq!(r.lut, 10 + 5 + 12 + 4 + 2);
        assert_eq!(r.lut_as_memory, 12 + 4 + 2);
        assert_eq!(r.ff, 8);
        assert_eq!(r.carry4, 4);
        assert_eq!(r.dsp, 2);
        assert_eq!(r.ramb36, 1);
        assert_eq!(r.ramb18, 3);
        assert!((r.bram36 - 2.5).abs() < 1e-9);
        assert_eq!(r.muxf7, 6);
        assert_eq!(r.unclassified, vec![("FOO9".to_string(), 2)]);
    }

    #[test]
    fn budget_over_70_percent_is_reported() {
        let r = Resources {
            lut: 55_021,
            ff: 10,
            dsp: 280,
            ramb36: 185,
            ramb18: 1,
            ..Default::default()
        };
        // 55,021 / 78,600 = 70.0013 % > 70 %; 280 / 400 = 70 % exactly is allowed;
        // 185.5 / 265 = 70 % exactly is allowed.
        let over = r.over_budget(&XC7Z030, BUDGET_RATIO);
        assert_eq!(over.len(), 1, "{over:?}");
        assert_eq!(over[0].0, "LUT");
        let r2 = Resources {
            lut: 55_020,
            dsp: 281,
            ..r
        };
        let over2 = r2.over_budget(&XC7Z030, BUDGET_RATIO);
        assert!((over2[0].1 - 281.0 / 400.0).abs() < 1e-12);
        let r3 = Resources {
            lut: 0,
            dsp: 0,
            ramb36: 185,
            ramb18: 2,
            ..Default::default()
        };
        assert_eq!(r3.over_budget(&XC7Z030, BUDGET_RATIO)[0].0, "RAMB36");
        assert!(Resources::default()
            .over_budget(&XC7Z030, BUDGET_RATIO)
            .is_empty());
        assert_eq!(
            over2.iter().map(|p| p.0).collect::<Vec<_>>(),
            vec!["DSP48E1"]
        );
    }
}
