//! Bare-metal helpers for the Zynq-7000 PS side, through the `zynq7000` PAC:
//! PL clock 0 (FCLK0) divisors, PL reset line 0 (FPGA_RST_CTRL), SLCR unlock/lock, and the
//! devcfg "PL configured" status. For a first-stage loader or a bare-metal application; on
//! Linux the FPGA manager and the device tree do this.

use zynq7000::devcfg;
use zynq7000::slcr;

/// SLCR_UNLOCK key (Zynq-7000 TRM, UG585 B.28).
pub const SLCR_UNLOCK_KEY: u32 = 0xDF0D;
/// SLCR_LOCK key.
pub const SLCR_LOCK_KEY: u32 = 0x767B;

/// FCLK0 source PLL.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlClockSource {
    IoPll,
    ArmPll,
    DdrPll,
}

/// FCLK0 = source / divisor0 / divisor1; both divisors are 6 bits, nonzero.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PlClock {
    pub source: PlClockSource,
    pub divisor0: u8,
    pub divisor1: u8,
}

impl PlClock {
    /// Divisors for `target_hz` from a PLL at `pll_hz`, choosing the pair whose output is
    /// closest to the target without exceeding it. `None` if no pair gets at or below it.
    pub fn for_target(source: PlClockSource, pll_hz: u32, target_hz: u32) -> Option<PlClock> {
        let mut best: Option<(u32, u8, u8)> = None;
        for d0 in 1u8..=63 {
            for d1 in 1u8..=63 {
                let f = pll_hz / (u32::from(d0) * u32::from(d1));
                if f <= target_hz && best.is_none_or(|(b, _, _)| f > b) {
                    best = Some((f, d0, d1));
                }
            }
        }
        best.map(|(_, divisor0, divisor1)| PlClock {
            source,
            divisor0,
            divisor1,
        })
    }

    /// Output frequency for a PLL at `pll_hz`.
    pub fn hz(&self, pll_hz: u32) -> u32 {
        pll_hz / (u32::from(self.divisor0.max(1)) * u32::from(self.divisor1.max(1)))
    }
}

/// Exclusive use of the SLCR and devcfg blocks for PL bring-up.
#[derive(Debug)]
pub struct PlControl {
    slcr: slcr::MmioRegisters<'static>,
    devcfg: devcfg::MmioRegisters<'static>,
}

impl PlControl {
    /// # Safety
    /// Must run on the Zynq-7000 PS (the fixed SLCR and devcfg addresses are mapped) and be
    /// the only code touching SLCR clock/reset and devcfg while this value lives (no other
    /// handle to these blocks performs read-modify-write meanwhile).
    pub unsafe fn steal() -> Self {
        // SAFETY: forwarded from this function's contract.
        unsafe {
            PlControl {
                slcr: slcr::Registers::new_mmio_fixed(),
                devcfg: devcfg::Registers::new_mmio_fixed(),
            }
        }
    }

    fn unlocked<R>(&mut self, f: impl FnOnce(&mut slcr::MmioRegisters<'static>) -> R) -> R {
        self.slcr.write_unlock(SLCR_UNLOCK_KEY);
        let r = f(&mut self.slcr);
        self.slcr.write_lock(SLCR_LOCK_KEY);
        r
    }

    /// Programs FCLK0's source and divisors.
    pub fn set_pl_clock0(&mut self, clk: PlClock) {
        let src = match clk.source {
            PlClockSource::IoPll => slcr::clocks::SrcSelIo::IoPll,
            PlClockSource::ArmPll => slcr::clocks::SrcSelIo::ArmPll,
            PlClockSource::DdrPll => slcr::clocks::SrcSelIo::DdrPll,
        };
        let d0 = arbitrary_int::u6::new(clk.divisor0.clamp(1, 63));
        let d1 = arbitrary_int::u6::new(clk.divisor1.clamp(1, 63));
        self.unlocked(|s| {
            s.clk_ctrl()
                .fpga_0_clk_ctrl()
                .modify_ctrl(|c| c.with_divisor_0(d0).with_divisor_1(d1).with_srcsel(src));
        });
    }

    /// Drives PL reset line 0 (FCLK_RESET0_N is active low: `true` holds the PL in reset).
    pub fn set_pl_reset0(&mut self, in_reset: bool) {
        self.unlocked(|s| {
            s.reset_ctrl().modify_fpga(|r| r.with_fpga_0(in_reset));
        });
    }

    /// Pulses PL reset line 0.
    pub fn pulse_pl_reset0(&mut self) {
        self.set_pl_reset0(true);
        self.set_pl_reset0(false);
    }

    /// Whether the PL has been configured (devcfg INT_STS.PCFG_DONE).
    pub fn pl_configured(&mut self) -> bool {
        self.devcfg.read_interrupt_status().pl_programming_done()
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn fclk0_divisors_for_150mhz_from_each_pll() {
        // IO PLL at 1000 MHz: 150 MHz is not reachable; the best at or below is 1000/7.
        let c = PlClock::for_target(PlClockSource::IoPll, 1_000_000_000, 150_000_000).unwrap();
        assert_eq!(c.hz(1_000_000_000), 142_857_142);
        assert_eq!(u32::from(c.divisor0) * u32::from(c.divisor1), 7);
        // ARM PLL at 1333.33 MHz: /9 = 148.1 MHz.
        let c = PlClock::for_target(PlClockSource::ArmPll, 1_333_333_333, 150_000_000).unwrap();
        assert_eq!(c.hz(1_333_333_333), 148_148_148);
        assert!(PlClock::for_target(PlClockSource::IoPll, 1_000_000_000, 100).is_none());
    }

    #[test]
    fn fclk0_divisors_for_the_shipped_178mhz() {
        // The shipped bitstream's one clock (satchain_hdl::top::BUS_CLOCK_MHZ = 1600/9, build.tcl's
        // default): ARM PLL 1600 MHz / 9 with the CPU at 800 MHz.
        let c = PlClock::for_target(PlClockSource::ArmPll, 1_600_000_000, 177_777_778).unwrap();
        assert_eq!(c.hz(1_600_000_000), 177_777_777);
        assert_eq!(u32::from(c.divisor0) * u32::from(c.divisor1), 9);
        // The same dividers with the CPU at 667 MHz (ARM PLL 1333.33 MHz) give a slower clock,
        // 148.1 MHz, never a faster one.
        assert_eq!(c.hz(1_333_333_333), 148_148_148);
        // The IO PLL misses it: / 6 = 166.67 MHz is the nearest rate below.
        let c = PlClock::for_target(PlClockSource::IoPll, 1_000_000_000, 177_777_778).unwrap();
        assert_eq!(c.hz(1_000_000_000), 166_666_666);
    }

    #[test]
    fn fclk0_divisors_for_the_earlier_167mhz() {
        // The clock until 2026-12-08: IO PLL 1000 MHz / 6, the same whatever the CPU clock.
        let c = PlClock::for_target(PlClockSource::IoPll, 1_000_000_000, 166_666_667).unwrap();
        assert_eq!(c.hz(1_000_000_000), 166_666_666);
        assert_eq!(u32::from(c.divisor0) * u32::from(c.divisor1), 6);
        // The ARM PLL's dividers miss it: 1600 MHz / 10 = 160 MHz (CPU at 800 MHz) and
        // 1333.33 MHz / 8 = 166.67 MHz exactly (CPU at 667 MHz).
        let c = PlClock::for_target(PlClockSource::ArmPll, 1_600_000_000, 166_666_667).unwrap();
        assert_eq!(c.hz(1_600_000_000), 160_000_000);
        let c = PlClock::for_target(PlClockSource::ArmPll, 1_333_333_333, 166_666_667).unwrap();
        assert_eq!(c.hz(1_333_333_333), 166_666_666);
    }

    #[test]
    fn fclk0_divisors_for_the_earlier_160mhz() {
        // The clock of 2026-12-07 evening: ARM PLL 1600 MHz / 10 (CPU at 800 MHz).
        let c = PlClock::for_target(PlClockSource::ArmPll, 1_600_000_000, 160_000_000).unwrap();
        assert_eq!(c.hz(1_600_000_000), 160_000_000);
        assert_eq!(u32::from(c.divisor0) * u32::from(c.divisor1), 10);
        // With the ARM PLL at 1333.33 MHz (CPU at 667 MHz) the nearest rate below: / 9.
        let c = PlClock::for_target(PlClockSource::ArmPll, 1_333_333_333, 160_000_000).unwrap();
        assert_eq!(c.hz(1_333_333_333), 148_148_148);
        // The IO PLL misses it: / 7 = 142.86 MHz below (/ 6 = 166.67 MHz is over the target).
        let c = PlClock::for_target(PlClockSource::IoPll, 1_000_000_000, 160_000_000).unwrap();
        assert_eq!(c.hz(1_000_000_000), 142_857_142);
    }

    #[test]
    fn fclk0_divisors_for_the_earlier_143mhz() {
        // The clock until 2026-12-07 evening: IO PLL 1000 MHz / 7.
        let c = PlClock::for_target(PlClockSource::IoPll, 1_000_000_000, 142_857_143).unwrap();
        assert_eq!(c.hz(1_000_000_000), 142_857_142);
        assert_eq!(u32::from(c.divisor0) * u32::from(c.divisor1), 7);
    }
}
