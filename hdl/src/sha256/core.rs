//! `Sha256Core`: the SHA-256 compression function, one round per clock.
//!
//! Timing (see README): a `start` accepted in cycle 0 loads the block; rounds 0..63 run in
//! cycles 1..64; cycle 65 is the FINAL cycle, in which the chaining addition `H + a..h` is
//! computed and written back into the chaining register, and `ready` is high, so the next
//! block can be loaded in that same cycle: **65 cycles per block at steady state**. `done`
//! pulses in the cycle after FINAL, when `digest` holds the new value; it is held until the
//! next `start` (the chaining register doubles as the digest register: no separate 256-bit
//! digest register).
//!
//! The critical path is shortened by precomputing `h + K[t] + W[t]` one round ahead (`hkw`):
//! in round t, `hkw <= g + K[t+1] + W[t+1]` (g becomes h in round t+1), so a round is
//! `T1 = hkw + Σ1(e) + Ch(e,f,g)`, `a' = T1 + Σ0(a) + Maj(a,b,c)`, `e' = d + T1`.
//! The message schedule is a 16-word shift register: `w[0]` is `W[t]`.
use rust_hdl::prelude::*;

use super::consts::{IV, K};
use super::widen::Widen;

/// SHA-256 compression, 1 round/clock, 65 clocks per block at steady state.
#[derive(LogicBlock)]
pub struct Sha256Core {
    pub clock: Signal<In, Clock>,
    /// Synchronous, active high: aborts a block in progress.
    pub reset: Signal<In, Bit>,
    /// Load `block` (accepted when `ready`).
    pub start: Signal<In, Bit>,
    /// With `start`: chain from the digest of the previous block instead of `h_in`.
    pub use_prev: Signal<In, Bit>,
    /// Chaining value for `start` without `use_prev`; H0 in bits 255:224.
    pub h_in: Signal<In, Bits<256>>,
    /// 64-byte block, `W[0]` in bits 511:480 (big-endian message order).
    pub block: Signal<In, Bits<512>>,
    /// A `start` is accepted in this cycle (idle, or the FINAL cycle of a block).
    pub ready: Signal<Out, Bit>,
    /// One-cycle pulse: `digest` holds the result of the block that just finished (until the
    /// next `start`).
    pub done: Signal<Out, Bit>,
    /// Digest (chaining value) after the last finished block; `H0` in bits 255:224.
    pub digest: Signal<Out, Bits<256>>,
    // --- state ---
    st: [DFF<Bits<32>>; 8],
    w: [DFF<Bits<32>>; 16],
    hkw: DFF<Bits<32>>,
    chain: [DFF<Bits<32>>; 8],
    run: DFF<Bit>,
    fin: DFF<Bit>,
    done_r: DFF<Bit>,
    round: DFF<Bits<6>>,
    krom: ROM<Bits<32>, 6>,
    ext: [Widen<32, 256>; 8],
    // --- combinational temporaries ---
    sel: [Signal<Local, Bits<32>>; 8],
    sum: [Signal<Local, Bits<32>>; 8],
    s0: Signal<Local, Bits<32>>,
    s1: Signal<Local, Bits<32>>,
    maj: Signal<Local, Bits<32>>,
    ch: Signal<Local, Bits<32>>,
    t1: Signal<Local, Bits<32>>,
    t2: Signal<Local, Bits<32>>,
    anew: Signal<Local, Bits<32>>,
    enew: Signal<Local, Bits<32>>,
    kw1: Signal<Local, Bits<32>>,
    hkw1: Signal<Local, Bits<32>>,
    ws0: Signal<Local, Bits<32>>,
    ws1: Signal<Local, Bits<32>>,
    wa: Signal<Local, Bits<32>>,
    wb: Signal<Local, Bits<32>>,
    wnew: Signal<Local, Bits<32>>,
    w0: Signal<Local, Bits<32>>,
    kw0: Signal<Local, Bits<32>>,
    hkw0: Signal<Local, Bits<32>>,
    k0: Constant<Bits<32>>,
    one6: Constant<Bits<6>>,
    last_round: Constant<Bits<6>>,
    zero6: Constant<Bits<6>>,
}

impl Default for Sha256Core {
    fn default() -> Self {
        Self::new()
    }
}

impl Sha256Core {
    pub fn new() -> Self {
        Self {
            clock: Default::default(),
            reset: Default::default(),
            start: Default::default(),
            use_prev: Default::default(),
            h_in: Default::default(),
            block: Default::default(),
            ready: Default::default(),
            done: Default::default(),
            digest: Default::default(),
            st: Default::default(),
            w: Default::default(),
            hkw: Default::default(),
            chain: Default::default(),
            run: Default::default(),
            fin: Default::default(),
            done_r: Default::default(),
            round: Default::default(),
            ext: Default::default(),
            krom: K.iter().map(|&k| Bits::<32>::from(u64::from(k))).into(),
            sel: Default::default(),
            sum: Default::default(),
            s0: Default::default(),
            s1: Default::default(),
            maj: Default::default(),
            ch: Default::default(),
            t1: Default::default(),
            t2: Default::default(),
            anew: Default::default(),
            enew: Default::default(),
            kw1: Default::default(),
            hkw1: Default::default(),
            ws0: Default::default(),
            ws1: Default::default(),
            wa: Default::default(),
            wb: Default::default(),
            wnew: Default::default(),
            w0: Default::default(),
            kw0: Default::default(),
            hkw0: Default::default(),
            k0: Constant::new(u64::from(K[0]).into()),
            one6: Constant::new(1u64.into()),
            last_round: Constant::new(63u64.into()),
            zero6: Constant::new(0u64.into()),
        }
    }
}

/// The IV as a `Bits<256>` value in the `h_in` layout (H0 in bits 255:224).
pub fn iv_bits() -> Bits<256> {
    words_to_bits256(&IV)
}

/// Eight words to a `Bits<256>` (word 0 in bits 255:224).
pub fn words_to_bits256(w: &[u32; 8]) -> Bits<256> {
    let mut v: Bits<256> = Bits::default();
    for (i, x) in w.iter().enumerate() {
        let off = 224 - 32 * i;
        for b in 0..32 {
            if (x >> b) & 1 == 1 {
                v = v.replace_bit(off + b, true);
            }
        }
    }
    v
}

impl Logic for Sha256Core {
    #[hdl_gen]
    fn update(&mut self) {
        for i in 0..8 {
            self.st[i].clock.next = self.clock.val();
            self.st[i].d.next = self.st[i].q.val();
            self.chain[i].clock.next = self.clock.val();
            self.chain[i].d.next = self.chain[i].q.val();
        }
        for i in 0..16 {
            self.w[i].clock.next = self.clock.val();
            self.w[i].d.next = self.w[i].q.val();
        }
        dff_setup!(self, clock, hkw, run, fin, done_r, round);

        // Chaining addition (used in FINAL).
        for i in 0..8 {
            self.sum[i].next = self.chain[i].q.val() + self.st[i].q.val();
        }
        // Chaining value for a load: h_in, or the previous digest.
        for i in 0..8 {
            self.sel[i].next = self.h_in.val().get_bits::<32>(224 - 32 * i);
            if self.use_prev.val() {
                if self.fin.q.val() {
                    self.sel[i].next = self.sum[i].val();
                } else {
                    self.sel[i].next = self.chain[i].q.val();
                }
            }
        }

        // Round function.
        self.s0.next = ((self.st[0].q.val() >> 2) | (self.st[0].q.val() << 30))
            ^ ((self.st[0].q.val() >> 13) | (self.st[0].q.val() << 19))
            ^ ((self.st[0].q.val() >> 22) | (self.st[0].q.val() << 10));
        self.maj.next = (self.st[0].q.val() & self.st[1].q.val())
            ^ (self.st[0].q.val() & self.st[2].q.val())
            ^ (self.st[1].q.val() & self.st[2].q.val());
        self.s1.next = ((self.st[4].q.val() >> 6) | (self.st[4].q.val() << 26))
            ^ ((self.st[4].q.val() >> 11) | (self.st[4].q.val() << 21))
            ^ ((self.st[4].q.val() >> 25) | (self.st[4].q.val() << 7));
        self.ch.next = (self.st[4].q.val() & self.st[5].q.val())
            ^ ((!self.st[4].q.val()) & self.st[6].q.val());
        self.t1.next = self.hkw.q.val() + self.s1.val() + self.ch.val();
        self.t2.next = self.s0.val() + self.maj.val();
        self.anew.next = self.t1.val() + self.t2.val();
        self.enew.next = self.st[3].q.val() + self.t1.val();
        // K[t+1] + W[t+1] + g, for the next round.
        self.krom.address.next = self.round.q.val() + self.one6.val();
        self.kw1.next = self.krom.data.val() + self.w[1].q.val();
        self.hkw1.next = self.kw1.val() + self.st[6].q.val();
        // Message schedule: W[t+16] = σ1(W[t+14]) + W[t+9] + σ0(W[t+1]) + W[t].
        self.ws0.next = ((self.w[1].q.val() >> 7) | (self.w[1].q.val() << 25))
            ^ ((self.w[1].q.val() >> 18) | (self.w[1].q.val() << 14))
            ^ (self.w[1].q.val() >> 3);
        self.ws1.next = ((self.w[14].q.val() >> 17) | (self.w[14].q.val() << 15))
            ^ ((self.w[14].q.val() >> 19) | (self.w[14].q.val() << 13))
            ^ (self.w[14].q.val() >> 10);
        self.wa.next = self.ws1.val() + self.w[9].q.val();
        self.wb.next = self.ws0.val() + self.w[0].q.val();
        self.wnew.next = self.wa.val() + self.wb.val();
        // Load path: h0 + K[0] + W[0] for round 0.
        self.w0.next = self.block.val().get_bits::<32>(480);
        self.kw0.next = self.w0.val() + self.k0.val();
        self.hkw0.next = self.kw0.val() + self.sel[7].val();

        self.ready.next = !self.run.q.val();
        self.done_r.d.next = self.fin.q.val() & !self.reset.val();
        self.done.next = self.done_r.q.val();
        for i in 0..8 {
            self.ext[i].inp.next = self.chain[i].q.val();
        }
        self.digest.next = (self.ext[0].out.val() << 224)
            | (self.ext[1].out.val() << 192)
            | (self.ext[2].out.val() << 160)
            | (self.ext[3].out.val() << 128)
            | (self.ext[4].out.val() << 96)
            | (self.ext[5].out.val() << 64)
            | (self.ext[6].out.val() << 32)
            | self.ext[7].out.val();

        if self.run.q.val() {
            self.st[0].d.next = self.anew.val();
            self.st[1].d.next = self.st[0].q.val();
            self.st[2].d.next = self.st[1].q.val();
            self.st[3].d.next = self.st[2].q.val();
            self.st[4].d.next = self.enew.val();
            self.st[5].d.next = self.st[4].q.val();
            self.st[6].d.next = self.st[5].q.val();
            self.st[7].d.next = self.st[6].q.val();
            for i in 0..15 {
                self.w[i].d.next = self.w[i + 1].q.val();
            }
            self.w[15].d.next = self.wnew.val();
            self.hkw.d.next = self.hkw1.val();
            self.round.d.next = self.round.q.val() + self.one6.val();
            if self.round.q.val() == self.last_round.val() {
                self.run.d.next = false;
                self.fin.d.next = true;
            }
        }
        if self.fin.q.val() {
            for i in 0..8 {
                self.chain[i].d.next = self.sum[i].val();
            }
            self.fin.d.next = false;
        }
        if self.start.val() & !self.run.q.val() {
            for i in 0..8 {
                self.st[i].d.next = self.sel[i].val();
                self.chain[i].d.next = self.sel[i].val();
            }
            for i in 0..16 {
                self.w[i].d.next = self.block.val().get_bits::<32>(480 - 32 * i);
            }
            self.hkw.d.next = self.hkw0.val();
            self.round.d.next = self.zero6.val();
            self.run.d.next = true;
        }
        if self.reset.val() {
            self.run.d.next = false;
            self.fin.d.next = false;
            self.round.d.next = self.zero6.val();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sha256_core_generates_verilog() {
        let mut uut = Sha256Core::new();
        uut.connect_all();
        let v = generate_verilog(&uut);
        assert!(v.contains("module top"));
    }
}
