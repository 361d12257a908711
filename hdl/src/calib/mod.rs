//! Timing calibration reference: a textbook SHA-256 compression core, one round per clock.
//!
//! **Not part of the accelerator.** It exists so the static timing model of `bitstreams`
//! (`bitstreams/src/timing/`) can be calibrated against a published place-and-route result:
//! secworks/sha256 runs at 116 MHz on the xc7z030fbg676-1 (Vivado 2014.4, 2,308 LUT). This block
//! has the same round structure (written here from FIPS 180-4, not copied), so the model's
//! figure for it can be compared with 116 MHz:
//!
//! - state `a..h` and chaining value `H0..H7` in registers; a 6-bit round counter `t`;
//! - the whole block is loaded at once into a 16-word schedule register `w`;
//! - `W[t]` is selected in the round itself: `w[t mod 16]` (a 16:1 multiplexer on the counter)
//!   for t < 16, else `W[t] = σ1(w[14]) + w[9] + σ0(w[1]) + w[0]`, computed combinationally
//!   in the same clock, after which `w` shifts by one word;
//! - `K[t]` comes from a ROM addressed by the round counter;
//! - `T1 = h + Σ1(e) + Ch(e,f,g) + W[t] + K[t]`, `T2 = Σ0(a) + Maj(a,b,c)`, `a' = T1 + T2`,
//!   `e' = d + T1`: the schedule adders, the W multiplexer, the five-operand T1 sum and the
//!   final additions all lie on one register-to-register path, which is what limits the clock.
//!
//! Protocol (like the reference): `init` starts a message from the IV with `block`, `next`
//! continues it from the chaining value; 64 round clocks, then one clock adds the chaining
//! value and raises `digest_valid` (66 clocks per block including the start clock).
//! `ready` is high when idle. `reset` (synchronous) returns to idle.
use rust_hdl::prelude::*;

use crate::prim::Widen;
use crate::sha256::consts::{IV, K};

/// SHA-256 compression in the textbook one-round-per-clock structure (timing reference).
#[derive(LogicBlock)]
pub struct CalibSha256 {
    pub clock: Signal<In, Clock>,
    pub reset: Signal<In, Bit>,
    /// Start a message: chaining value = IV, message block = `block`.
    pub init: Signal<In, Bit>,
    /// Continue a message: chaining value = the previous digest, message block = `block`.
    pub next: Signal<In, Bit>,
    /// The 512-bit message block, `W[0]` in bits 511:480.
    pub block: Signal<In, Bits<512>>,
    pub ready: Signal<Out, Bit>,
    /// `H0` in bits 255:224.
    pub digest: Signal<Out, Bits<256>>,
    pub digest_valid: Signal<Out, Bit>,
    st: [DFF<Bits<32>>; 8],
    hv: [DFF<Bits<32>>; 8],
    w: [DFF<Bits<32>>; 16],
    t: DFF<Bits<6>>,
    /// 0 idle, 1 rounds, 2 final addition.
    ctrl: DFF<Bits<2>>,
    valid: DFF<Bit>,
    krom: ROM<Bits<32>, 6>,
    ext: [Widen<32, 256>; 8],
    bw: [Signal<Local, Bits<32>>; 16],
    ws0: Signal<Local, Bits<32>>,
    ws1: Signal<Local, Bits<32>>,
    wnew: Signal<Local, Bits<32>>,
    wsel: Signal<Local, Bits<32>>,
    wt: Signal<Local, Bits<32>>,
    s0: Signal<Local, Bits<32>>,
    s1: Signal<Local, Bits<32>>,
    ch: Signal<Local, Bits<32>>,
    maj: Signal<Local, Bits<32>>,
    t1: Signal<Local, Bits<32>>,
    t2: Signal<Local, Bits<32>>,
    anew: Signal<Local, Bits<32>>,
    enew: Signal<Local, Bits<32>>,
    sum: [Signal<Local, Bits<32>>; 8],
    start: Signal<Local, Bit>,
    ivw: [Constant<Bits<32>>; 8],
    idx: [Constant<Bits<4>>; 16],
    one6: Constant<Bits<6>>,
    c16: Constant<Bits<6>>,
    c63: Constant<Bits<6>>,
    zero6: Constant<Bits<6>>,
    s_idle: Constant<Bits<2>>,
    s_rounds: Constant<Bits<2>>,
    s_final: Constant<Bits<2>>,
}

impl Default for CalibSha256 {
    fn default() -> Self {
        Self::new()
    }
}

impl CalibSha256 {
    pub fn new() -> Self {
        Self {
            clock: Default::default(),
            reset: Default::default(),
            init: Default::default(),
            next: Default::default(),
            block: Default::default(),
            ready: Default::default(),
            digest: Default::default(),
            digest_valid: Default::default(),
            st: Default::default(),
            hv: Default::default(),
            w: Default::default(),
            t: Default::default(),
            ctrl: Default::default(),
            valid: Default::default(),
            krom: K.iter().map(|&k| Bits::<32>::from(u64::from(k))).into(),
            ext: Default::default(),
            bw: Default::default(),
            ws0: Default::default(),
            ws1: Default::default(),
            wnew: Default::default(),
            wsel: Default::default(),
            wt: Default::default(),
            s0: Default::default(),
            s1: Default::default(),
            ch: Default::default(),
            maj: Default::default(),
            t1: Default::default(),
            t2: Default::default(),
            anew: Default::default(),
            enew: Default::default(),
            sum: Default::default(),
            start: Default::default(),
            ivw: std::array::from_fn(|i| Constant::new(u64::from(IV[i]).into())),
            idx: std::array::from_fn(|i| Constant::new((i as u64).into())),
            one6: Constant::new(1u64.into()),
            c16: Constant::new(16u64.into()),
            c63: Constant::new(63u64.into()),
            zero6: Constant::new(0u64.into()),
            s_idle: Constant::new(0u64.into()),
            s_rounds: Constant::new(1u64.into()),
            s_final: Constant::new(2u64.into()),
        }
    }
}

impl Logic for CalibSha256 {
    #[hdl_gen]
    fn update(&mut self) {
        for i in 0..8 {
            self.st[i].clock.next = self.clock.val();
            self.st[i].d.next = self.st[i].q.val();
            self.hv[i].clock.next = self.clock.val();
            self.hv[i].d.next = self.hv[i].q.val();
        }
        for i in 0..16 {
            self.w[i].clock.next = self.clock.val();
            self.w[i].d.next = self.w[i].q.val();
            self.bw[i].next = self.block.val().get_bits::<32>(480 - 32 * i);
        }
        dff_setup!(self, clock, t, ctrl, valid);

        // Message schedule: W[t] for t >= 16 from the window w[0..16] = W[t-16..t].
        self.ws0.next = ((self.w[1].q.val() >> 7) | (self.w[1].q.val() << 25))
            ^ ((self.w[1].q.val() >> 18) | (self.w[1].q.val() << 14))
            ^ (self.w[1].q.val() >> 3);
        self.ws1.next = ((self.w[14].q.val() >> 17) | (self.w[14].q.val() << 15))
            ^ ((self.w[14].q.val() >> 19) | (self.w[14].q.val() << 13))
            ^ (self.w[14].q.val() >> 10);
        self.wnew.next = self.ws1.val() + self.w[9].q.val() + self.ws0.val() + self.w[0].q.val();
        // W[t] for t < 16: the loaded word t, selected by the counter.
        self.wsel.next = self.w[0].q.val();
        for i in 0..16 {
            if self.t.q.val().get_bits::<4>(0) == self.idx[i].val() {
                self.wsel.next = self.w[i].q.val();
            }
        }
        self.wt.next = self.wsel.val();
        if self.t.q.val() >= self.c16.val() {
            self.wt.next = self.wnew.val();
        }

        // Round function.
        self.krom.address.next = self.t.q.val();
        self.s1.next = ((self.st[4].q.val() >> 6) | (self.st[4].q.val() << 26))
            ^ ((self.st[4].q.val() >> 11) | (self.st[4].q.val() << 21))
            ^ ((self.st[4].q.val() >> 25) | (self.st[4].q.val() << 7));
        self.ch.next = (self.st[4].q.val() & self.st[5].q.val())
            ^ ((!self.st[4].q.val()) & self.st[6].q.val());
        self.t1.next = self.st[7].q.val()
            + self.s1.val()
            + self.ch.val()
            + self.wt.val()
            + self.krom.data.val();
        self.s0.next = ((self.st[0].q.val() >> 2) | (self.st[0].q.val() << 30))
            ^ ((self.st[0].q.val() >> 13) | (self.st[0].q.val() << 19))
            ^ ((self.st[0].q.val() >> 22) | (self.st[0].q.val() << 10));
        self.maj.next = (self.st[0].q.val() & self.st[1].q.val())
            ^ (self.st[0].q.val() & self.st[2].q.val())
            ^ (self.st[1].q.val() & self.st[2].q.val());
        self.t2.next = self.s0.val() + self.maj.val();
        self.anew.next = self.t1.val() + self.t2.val();
        self.enew.next = self.st[3].q.val() + self.t1.val();
        for i in 0..8 {
            self.sum[i].next = self.hv[i].q.val() + self.st[i].q.val();
            self.ext[i].inp.next = self.hv[i].q.val();
        }

        self.ready.next = self.ctrl.q.val() == self.s_idle.val();
        self.digest_valid.next = self.valid.q.val();
        self.digest.next = (self.ext[0].out.val() << 224)
            | (self.ext[1].out.val() << 192)
            | (self.ext[2].out.val() << 160)
            | (self.ext[3].out.val() << 128)
            | (self.ext[4].out.val() << 96)
            | (self.ext[5].out.val() << 64)
            | (self.ext[6].out.val() << 32)
            | self.ext[7].out.val();

        self.start.next =
            (self.ctrl.q.val() == self.s_idle.val()) & (self.init.val() | self.next.val());
        if self.start.val() {
            for i in 0..8 {
                self.st[i].d.next = self.hv[i].q.val();
                if self.init.val() {
                    self.st[i].d.next = self.ivw[i].val();
                    self.hv[i].d.next = self.ivw[i].val();
                }
            }
            for i in 0..16 {
                self.w[i].d.next = self.bw[i].val();
            }
            self.t.d.next = self.zero6.val();
            self.valid.d.next = false;
            self.ctrl.d.next = self.s_rounds.val();
        }
        if self.ctrl.q.val() == self.s_rounds.val() {
            self.st[0].d.next = self.anew.val();
            self.st[1].d.next = self.st[0].q.val();
            self.st[2].d.next = self.st[1].q.val();
            self.st[3].d.next = self.st[2].q.val();
            self.st[4].d.next = self.enew.val();
            self.st[5].d.next = self.st[4].q.val();
            self.st[6].d.next = self.st[5].q.val();
            self.st[7].d.next = self.st[6].q.val();
            if self.t.q.val() >= self.c16.val() {
                for i in 0..15 {
                    self.w[i].d.next = self.w[i + 1].q.val();
                }
                self.w[15].d.next = self.wnew.val();
            }
            self.t.d.next = self.t.q.val() + self.one6.val();
            if self.t.q.val() == self.c63.val() {
                self.ctrl.d.next = self.s_final.val();
            }
        }
        if self.ctrl.q.val() == self.s_final.val() {
            for i in 0..8 {
                self.hv[i].d.next = self.sum[i].val();
            }
            self.valid.d.next = true;
            self.ctrl.d.next = self.s_idle.val();
        }
        if self.reset.val() {
            self.ctrl.d.next = self.s_idle.val();
            self.valid.d.next = false;
            self.t.d.next = self.zero6.val();
        }
    }
}

/// The Verilog of the reference (module `top`).
pub fn verilog() -> String {
    crate::prim::verilog_of(CalibSha256::new())
}

/// File stem of the reference in the generated RTL (`gen-verilog`, `bitstreams/synth.sh`).
pub const GEN_NAME: &str = "calib_sha256";

/// The reference in the catalogue (`crate::catalog`): synthesized (the timing model is
/// calibrated on its netlist), not part of the accelerator, no Verilator model.
pub const BLOCKS: &[crate::catalog::Block] = &[crate::catalog::Block {
    name: GEN_NAME,
    doc: "CalibSha256: timing-model calibration reference (not part of the accelerator)",
    domain: crate::catalog::Domain::Test,
    clock: "clock",
    synth: true,
    sim: false,
    verilog: || Some(verilog()),
}];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sha256::core::words_to_bits256;
    use crate::sha256::model;

    fn block_bits(words: &[u32; 16]) -> Bits<512> {
        let mut v: Bits<512> = Bits::default();
        for (i, x) in words.iter().enumerate() {
            let off = 480 - 32 * i;
            for b in 0..32 {
                if (x >> b) & 1 == 1 {
                    v = v.replace_bit(off + b, true);
                }
            }
        }
        v
    }

    /// rust-hdl's simulator (the Rust meaning of `update()`) agrees with the golden model on a
    /// two-block message (init, then next) and takes 66 clocks per block. Smoke test: the
    /// block's purpose is its synthesized timing structure, checked in `bitstreams`.
    #[test]
    fn calib_sha256_matches_model() {
        // "abc" padded, then an arbitrary second block chained on it.
        let mut b0 = [0u32; 16];
        b0[0] = 0x6162_6380;
        b0[15] = 24;
        let b1: [u32; 16] = std::array::from_fn(|i| 0x9e37_79b9u32.wrapping_mul(i as u32 + 7));
        let mut chain = IV;
        model::compress(&mut chain, &b0);
        let d0 = chain;
        assert_eq!(d0[0], 0xba78_16bf, "model: SHA-256(\"abc\")");
        model::compress(&mut chain, &b1);
        let d1 = chain;
        let cases = vec![
            (true, block_bits(&b0), words_to_bits256(&d0)),
            (false, block_bits(&b1), words_to_bits256(&d1)),
        ];
        let mut sim = Simulation::new();
        sim.add_clock(5, |x: &mut Box<CalibSha256>| x.clock.next = !x.clock.val());
        sim.add_testbench(move |mut sim: Sim<CalibSha256>| {
            let mut x = sim.init()?;
            x.reset.next = true;
            wait_clock_cycle!(sim, clock, x);
            x.reset.next = false;
            for (first, blk, expect) in cases.clone() {
                sim_assert!(sim, x.ready.val(), x);
                x.block.next = blk;
                x.init.next = first;
                x.next.next = !first;
                wait_clock_cycle!(sim, clock, x);
                x.init.next = false;
                x.next.next = false;
                let mut n = 1u32;
                while !x.digest_valid.val() && n < 100 {
                    wait_clock_cycle!(sim, clock, x);
                    n += 1;
                }
                sim_assert_eq!(sim, x.digest.val(), expect, x);
                sim_assert_eq!(sim, n, 66, x);
            }
            sim.done(x)
        });
        let mut uut = CalibSha256::new();
        uut.connect_all();
        sim.run(Box::new(uut), 100_000).unwrap();
    }

    /// The generated Verilog passes `verilator --lint-only -Wall` with every warning fatal
    /// (the project's waiver file applies), so yosys sees what the simulator simulated.
    #[test]
    fn calib_sha256_verilog_lints_clean() {
        if let Err(e) = crate::prim::lint::verilator_lint("calib", "calib_sha256", &verilog(), &[])
        {
            panic!("{e}");
        }
    }
}
