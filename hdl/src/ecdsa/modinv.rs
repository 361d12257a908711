//! `ModInv`: modular inverse mod p or mod n by the binary extended Euclid of `ISA.md`, one loop
//! iteration per clock.
//!
//! ```text
//! u = a; v = m; x1 = 1; x2 = 0
//! while u != 1 and v != 1:            (at most INV_MAX_ITERATIONS iterations)
//!     if u even:   u = u/2; x1 = x1 even ? x1/2 : (x1 + m)/2
//!     elif v even: v = v/2; x2 = x2 even ? x2/2 : (x2 + m)/2
//!     elif u >= v: u = u - v; x1 = (x1 - x2) mod m
//!     else:        v = v - u; x2 = (x2 - x1) mod m
//! result = (u == 1) ? x1 : x2
//! ```
//! Every candidate update (halvings with and without `+ m`, both differences and both modular
//! differences) is computed in parallel each cycle on 257-bit words; the branch only selects.
//!
//! Cycle `0` is the `start` cycle (loads u, v, x1, x2). In each following cycle the unit first
//! checks termination (`u == 1 || v == 1`: done, result), then the cap (`iterations ==
//! INV_MAX_ITERATIONS`: done with `fault`), else runs one iteration. So a run of `k` iterations
//! raises `done` in cycle [`inv_latency`]`(k) = k + 2`; a fault (e.g. `a = 0` or `a = m`) after
//! `inv_latency(1024) = 1026` cycles, with `iterations = 1024`. `iterations`, `result` and
//! `fault` hold from `done` until the next `start`.
//!
//! rust-hdl notes: the working registers are 257 bits wide (the top bit catches the carry of
//! `x + m` and the borrow of `u - v`) so every add is at one width; the 256-bit input is widened
//! by the `ZeroExt` leaf (no `bit_cast` to a wider width, see `mulleaf.rs`).

use super::modmul::{N_HEX, P_HEX};
use super::mulleaf::ZeroExt;
use rust_hdl::prelude::*;

/// Iteration cap: after this many iterations without reaching `u == 1 || v == 1` the unit stops
/// with `fault`.
pub const INV_MAX_ITERATIONS: u32 = 1024;

/// Cycles from the `start` cycle to the `done` cycle of a run of `iterations` loop iterations
/// (including a faulting run: `inv_latency(INV_MAX_ITERATIONS)`).
pub const fn inv_latency(iterations: u32) -> u32 {
    iterations + 2
}

const W: usize = 257;

fn hex_bits<const N: usize>(hex: &str) -> Bits<N> {
    Bits::from(num_bigint::BigUint::parse_bytes(hex.as_bytes(), 16).unwrap_or_default())
}

/// The modular inverter (see the module docs).
#[derive(LogicBlock)]
pub struct ModInv {
    /// Clock.
    pub clock: Signal<In, Clock>,
    /// Synchronous, active-high reset: aborts, no `done`.
    pub reset: Signal<In, Bit>,
    /// Start with `a` and `modn` (sampled this cycle).
    pub start: Signal<In, Bit>,
    /// The value to invert (in [1, m-1] for a non-faulting run).
    pub a: Signal<In, Bits<256>>,
    /// 0: mod p, 1: mod n.
    pub modn: Signal<In, Bit>,
    /// One-cycle pulse: `result`, `fault`, `iterations` are valid.
    pub done: Signal<Out, Bit>,
    /// a^-1 mod m (meaningless when `fault`).
    pub result: Signal<Out, Bits<256>>,
    /// The iteration cap was reached (a has no inverse, e.g. a = 0 or a = m).
    pub fault: Signal<Out, Bit>,
    /// Loop iterations run.
    pub iterations: Signal<Out, Bits<11>>,

    u: DFF<Bits<W>>,
    v: DFF<Bits<W>>,
    x1: DFF<Bits<W>>,
    x2: DFF<Bits<W>>,
    iter: DFF<Bits<11>>,
    busy: DFF<Bit>,
    mode_n: DFF<Bit>,
    done_r: DFF<Bit>,
    fault_r: DFF<Bit>,
    res: DFF<Bits<256>>,
    azext: ZeroExt<256, W>,

    m: Signal<Local, Bits<W>>,
    u_is1: Signal<Local, Bit>,
    v_is1: Signal<Local, Bit>,
    d_uv: Signal<Local, Bits<W>>,
    d_vu: Signal<Local, Bits<W>>,
    x1m: Signal<Local, Bits<W>>,
    x2m: Signal<Local, Bits<W>>,
    x1h: Signal<Local, Bits<W>>,
    x2h: Signal<Local, Bits<W>>,
    dx12: Signal<Local, Bits<W>>,
    dx21: Signal<Local, Bits<W>>,
    dx12m: Signal<Local, Bits<W>>,
    dx21m: Signal<Local, Bits<W>>,
    x1s: Signal<Local, Bits<W>>,
    x2s: Signal<Local, Bits<W>>,

    k_p: Constant<Bits<W>>,
    k_n: Constant<Bits<W>>,
    k_one: Constant<Bits<W>>,
    k_zero: Constant<Bits<W>>,
    k_one11: Constant<Bits<11>>,
    k_zero11: Constant<Bits<11>>,
    k_cap: Constant<Bits<11>>,
}

impl Default for ModInv {
    fn default() -> Self {
        Self {
            clock: Default::default(),
            reset: Default::default(),
            start: Default::default(),
            a: Default::default(),
            modn: Default::default(),
            done: Default::default(),
            result: Default::default(),
            fault: Default::default(),
            iterations: Default::default(),
            u: Default::default(),
            v: Default::default(),
            x1: Default::default(),
            x2: Default::default(),
            iter: Default::default(),
            busy: Default::default(),
            mode_n: Default::default(),
            done_r: Default::default(),
            fault_r: Default::default(),
            res: Default::default(),
            azext: Default::default(),
            m: Default::default(),
            u_is1: Default::default(),
            v_is1: Default::default(),
            d_uv: Default::default(),
            d_vu: Default::default(),
            x1m: Default::default(),
            x2m: Default::default(),
            x1h: Default::default(),
            x2h: Default::default(),
            dx12: Default::default(),
            dx21: Default::default(),
            dx12m: Default::default(),
            dx21m: Default::default(),
            x1s: Default::default(),
            x2s: Default::default(),
            k_p: Constant::new(hex_bits(P_HEX)),
            k_n: Constant::new(hex_bits(N_HEX)),
            k_one: Constant::new(1.into()),
            k_zero: Constant::new(Bits::default()),
            k_one11: Constant::new(1.into()),
            k_zero11: Constant::new(Bits::default()),
            k_cap: Constant::new((INV_MAX_ITERATIONS as u64).into()),
        }
    }
}

impl Logic for ModInv {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(self, clock, u, v, x1, x2, iter, busy, mode_n, done_r, fault_r, res);
        self.azext.i.next = self.a.val();

        if self.mode_n.q.val() {
            self.m.next = self.k_n.val();
        } else {
            self.m.next = self.k_p.val();
        }
        self.u_is1.next = self.u.q.val() == self.k_one.val();
        self.v_is1.next = self.v.q.val() == self.k_one.val();

        // All candidates in parallel (u, v, x1, x2 < 2^256; bit 256 is carry / borrow).
        self.d_uv.next = self.u.q.val() - self.v.q.val();
        self.d_vu.next = self.v.q.val() - self.u.q.val();
        self.x1m.next = self.x1.q.val() + self.m.val();
        self.x2m.next = self.x2.q.val() + self.m.val();
        if self.x1.q.val().get_bit(0) {
            self.x1h.next = self.x1m.val() >> 1;
        } else {
            self.x1h.next = self.x1.q.val() >> 1;
        }
        if self.x2.q.val().get_bit(0) {
            self.x2h.next = self.x2m.val() >> 1;
        } else {
            self.x2h.next = self.x2.q.val() >> 1;
        }
        self.dx12.next = self.x1.q.val() - self.x2.q.val();
        self.dx21.next = self.x2.q.val() - self.x1.q.val();
        self.dx12m.next = self.dx12.val() + self.m.val();
        self.dx21m.next = self.dx21.val() + self.m.val();
        // A negative difference (borrow in bit 256, i.e. 2^257 + x1 - x2) gets + m: the 257-bit sum
        // wraps to x1 - x2 + m < m.
        if self.dx12.val().get_bit(256) {
            self.x1s.next = self.dx12m.val();
        } else {
            self.x1s.next = self.dx12.val();
        }
        if self.dx21.val().get_bit(256) {
            self.x2s.next = self.dx21m.val();
        } else {
            self.x2s.next = self.dx21.val();
        }

        self.done_r.d.next = false;
        if self.busy.q.val() {
            if self.u_is1.val() | self.v_is1.val() {
                self.busy.d.next = false;
                self.done_r.d.next = true;
                self.fault_r.d.next = false;
                if self.u_is1.val() {
                    self.res.d.next = self.x1.q.val().get_bits::<256>(0);
                } else {
                    self.res.d.next = self.x2.q.val().get_bits::<256>(0);
                }
            } else if self.iter.q.val() == self.k_cap.val() {
                self.busy.d.next = false;
                self.done_r.d.next = true;
                self.fault_r.d.next = true;
                self.res.d.next = self.x1.q.val().get_bits::<256>(0);
            } else {
                self.iter.d.next = self.iter.q.val() + self.k_one11.val();
                if !self.u.q.val().get_bit(0) {
                    self.u.d.next = self.u.q.val() >> 1;
                    self.x1.d.next = self.x1h.val();
                } else if !self.v.q.val().get_bit(0) {
                    self.v.d.next = self.v.q.val() >> 1;
                    self.x2.d.next = self.x2h.val();
                } else if !self.d_uv.val().get_bit(256) {
                    self.u.d.next = self.d_uv.val();
                    self.x1.d.next = self.x1s.val();
                } else {
                    self.v.d.next = self.d_vu.val();
                    self.x2.d.next = self.x2s.val();
                }
            }
        }
        if self.start.val() {
            self.u.d.next = self.azext.o.val();
            if self.modn.val() {
                self.v.d.next = self.k_n.val();
            } else {
                self.v.d.next = self.k_p.val();
            }
            self.x1.d.next = self.k_one.val();
            self.x2.d.next = self.k_zero.val();
            self.iter.d.next = self.k_zero11.val();
            self.busy.d.next = true;
            self.mode_n.d.next = self.modn.val();
            self.fault_r.d.next = false;
        }
        if self.reset.val() {
            self.busy.d.next = false;
            self.done_r.d.next = false;
        }
        self.done.next = self.done_r.q.val();
        self.fault.next = self.fault_r.q.val();
        self.result.next = self.res.q.val();
        self.iterations.next = self.iter.q.val();
    }
}

/// The Verilog of a standalone `ModInv` (top module `top`).
pub fn verilog() -> String {
    let mut uut = ModInv::default();
    uut.connect_all();
    generate_verilog(&uut)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The generated Verilog passes `verilator --lint-only -Wall`, every warning fatal, with
    /// the project's waiver file (`verif/lint-waivers.vlt`, each waiver with its reason).
    #[test]
    fn modinv_verilog_lints_clean() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/ecdsa_arith");
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("modinv.v");
        std::fs::write(&path, verilog()).unwrap();
        let out = std::process::Command::new("verilator")
            .args([
                "--lint-only",
                "-Wall",
                "-Wno-DECLFILENAME",
                "--top-module",
                "top",
            ])
            .arg(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../verif/lint-waivers.vlt"))
            .arg(&path)
            .output()
            .expect("verilator must be installed (apt-get install verilator)");
        let msg = String::from_utf8_lossy(&out.stderr);
        assert!(
            out.status.success() && !msg.contains("%Warning"),
            "verilator lint of {}:\n{msg}",
            path.display()
        );
    }
}
