//! `Sha256Core`: the SHA-256 compression function, one round per clock, fed one message word
//! per clock.
//!
//! **Word stream.** The core pulls the padded message as a stream of 32-bit words (`win`,
//! `win_valid`; a word is taken when `win_valid & win_ready`), 16 per block, and never needs
//! the block as a whole: no 512-bit block register, no 512-bit load multiplexer. Of each
//! block it takes
//! - `W[0]` ahead of time into `w0r` (any clock when it has none and is idle, in FINAL, or in
//!   rounds 14..63 of the block before), with `win_first` = "this block starts a message"
//!   (chaining value IV; otherwise the previous block's digest);
//! - `W[1]` in the start clock: a block starts when the core is not running, holds `W[0]`, and
//!   `W[1]` is offered;
//! - `W[t+2]` in round t, for t = 0..13. When that word is not offered the round **stalls**
//!   (every state register holds), so a late FIFO never corrupts a block.
//!
//! **Timing.** Start clock 0 loads a..h and `hkw`; rounds 0..63 run in clocks 1..64; clock 65 is
//! FINAL: the chaining addition is computed and written into `chain` (and into a..h), and the
//! next block may start in that same clock: **65 clocks per block at steady state**. `done`
//! pulses in the clock after FINAL, when `digest` holds the result (until the next FINAL).
//!
//! **Datapath.** `hkw = h + K[t] + W[t]` is computed one round ahead (`hkw <= g + K[t+1] +
//! W[t+1]`, g being next round's h), so a round is `T1 = hkw + Σ1(e) + Ch(e,f,g)`, `a' = T1 +
//! Σ0(a) + Maj(a,b,c)`, `e' = d + T1`. The schedule register `x` holds `W[t-14..t+1]` in round
//! t (`x[15]` = `W[t+1]`), so both `hkw` and the next schedule word
//! `W[t+2] = σ1(x[14]) + x[9] + σ0(x[1]) + x[0]` come from registers. In the start clock `W[0]`
//! (from `w0r`) and `W[1]` (from `win`) enter `x[14]` and `x[15]`.
//!
//! **Chaining without a load path.** FINAL writes the sum into both `chain` (the digest) and
//! a..h, so a block that continues a message starts from a..h as they are; a block that starts
//! a message loads the IV constant. The chaining addition takes IV instead of `chain` for the
//! first block of a message (`first_r`), so `chain` is only ever written by FINAL and can feed
//! the second pass of SHA-256d (the unit reads the digest words while the second block runs).
//!
//! `x` has a synchronous reset only to keep yosys from packing its middle taps into SRL16
//! shift registers, which would cost LUTs (the resource the cluster is short of) to save FFs.
use rust_hdl::prelude::*;

use super::consts::{IV, K};
use crate::prim::Widen;

/// SHA-256 compression, 1 round/clock, 65 clocks per block at steady state, serial word input.
#[derive(LogicBlock)]
pub struct Sha256Core {
    pub clock: Signal<In, Clock>,
    /// Synchronous, active high: aborts a block in progress and drops a prefetched `W[0]`.
    pub reset: Signal<In, Bit>,
    /// Next message word, big-endian word order (W[0] of a block first).
    pub win: Signal<In, Bits<32>>,
    pub win_valid: Signal<In, Bit>,
    /// With the word that is `W[0]` of a block: the block starts a message (chain from IV).
    pub win_first: Signal<In, Bit>,
    /// A word offered now would be taken (from flip-flops only, so the producer computes
    /// `take = win_valid & win_ready` without a combinational path back through the core).
    pub win_ready: Signal<Out, Bit>,
    /// No block is running (idle or FINAL).
    pub ready: Signal<Out, Bit>,
    /// One-cycle pulse: `digest` holds the result of the block that just finished.
    pub done: Signal<Out, Bit>,
    /// Chaining value after the last finished block; `H0` in bits 255:224.
    pub digest: Signal<Out, Bits<256>>,
    // --- state ---
    st: [DFF<Bits<32>>; 8],
    x: [DFF<Bits<32>>; 16],
    hkw: DFF<Bits<32>>,
    chain: [DFF<Bits<32>>; 8],
    w0r: DFF<Bits<32>>,
    have_w0: DFF<Bit>,
    w0_first: DFF<Bit>,
    first_r: DFF<Bit>,
    run: DFF<Bit>,
    fin: DFF<Bit>,
    done_r: DFF<Bit>,
    round: DFF<Bits<6>>,
    krom: ROM<Bits<32>, 6>,
    ext: [Widen<32, 256>; 8],
    // --- combinational temporaries ---
    base: [Signal<Local, Bits<32>>; 8],
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
    hsel: Signal<Local, Bits<32>>,
    kw0: Signal<Local, Bits<32>>,
    hkw0: Signal<Local, Bits<32>>,
    early: Signal<Local, Bit>,
    take_w0: Signal<Local, Bit>,
    start: Signal<Local, Bit>,
    stall: Signal<Local, Bit>,
    adv: Signal<Local, Bit>,
    ivw: [Constant<Bits<32>>; 8],
    k0: Constant<Bits<32>>,
    one6: Constant<Bits<6>>,
    c14: Constant<Bits<6>>,
    last_round: Constant<Bits<6>>,
    zero6: Constant<Bits<6>>,
    zero32: Constant<Bits<32>>,
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
            win: Default::default(),
            win_valid: Default::default(),
            win_first: Default::default(),
            win_ready: Default::default(),
            ready: Default::default(),
            done: Default::default(),
            digest: Default::default(),
            st: Default::default(),
            x: Default::default(),
            hkw: Default::default(),
            chain: Default::default(),
            w0r: Default::default(),
            have_w0: Default::default(),
            w0_first: Default::default(),
            first_r: Default::default(),
            run: Default::default(),
            fin: Default::default(),
            done_r: Default::default(),
            round: Default::default(),
            krom: K.iter().map(|&k| Bits::<32>::from(u64::from(k))).into(),
            ext: Default::default(),
            base: Default::default(),
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
            hsel: Default::default(),
            kw0: Default::default(),
            hkw0: Default::default(),
            early: Default::default(),
            take_w0: Default::default(),
            start: Default::default(),
            stall: Default::default(),
            adv: Default::default(),
            ivw: std::array::from_fn(|i| Constant::new(u64::from(IV[i]).into())),
            k0: Constant::new(u64::from(K[0]).into()),
            one6: Constant::new(1u64.into()),
            c14: Constant::new(14u64.into()),
            last_round: Constant::new(63u64.into()),
            zero6: Constant::new(0u64.into()),
            zero32: Constant::new(0u64.into()),
        }
    }
}

/// The IV as a `Bits<256>` value in the `digest` layout (H0 in bits 255:224).
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
            self.x[i].clock.next = self.clock.val();
            self.x[i].d.next = self.x[i].q.val();
        }
        dff_setup!(self, clock, hkw, w0r, have_w0, w0_first, first_r, run, fin, done_r, round);

        // Handshake: which word `win` is, and whether the rounds can advance.
        self.early.next = self.round.q.val() < self.c14.val();
        self.take_w0.next =
            !self.have_w0.q.val() & self.win_valid.val() & (!self.run.q.val() | !self.early.val());
        self.start.next = !self.run.q.val() & self.have_w0.q.val() & self.win_valid.val();
        self.stall.next = self.run.q.val() & self.early.val() & !self.win_valid.val();
        self.adv.next = self.run.q.val() & !self.stall.val();
        // Takes W[0] when it has none (idle, FINAL, rounds 14..63), W[1] to start, W[t+2] in
        // rounds 0..13; refuses only in rounds 14..63 with W[0] already held.
        // (Registers only: no local of the main block, see `verif/lint-waivers.vlt`.)
        self.win_ready.next =
            !(self.run.q.val() & !(self.round.q.val() < self.c14.val()) & self.have_w0.q.val());

        // Chaining addition (FINAL): IV for the first block of a message, else the digest.
        for i in 0..8 {
            self.base[i].next = self.chain[i].q.val();
            if self.first_r.q.val() {
                self.base[i].next = self.ivw[i].val();
            }
            self.sum[i].next = self.base[i].val() + self.st[i].q.val();
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
        // g + K[t+1] + W[t+1], for the next round.
        self.krom.address.next = self.round.q.val() + self.one6.val();
        self.kw1.next = self.krom.data.val() + self.x[15].q.val();
        self.hkw1.next = self.kw1.val() + self.st[6].q.val();
        // Schedule: W[t+2] = σ1(W[t]) + W[t-5] + σ0(W[t-13]) + W[t-14].
        self.ws0.next = ((self.x[1].q.val() >> 7) | (self.x[1].q.val() << 25))
            ^ ((self.x[1].q.val() >> 18) | (self.x[1].q.val() << 14))
            ^ (self.x[1].q.val() >> 3);
        self.ws1.next = ((self.x[14].q.val() >> 17) | (self.x[14].q.val() << 15))
            ^ ((self.x[14].q.val() >> 19) | (self.x[14].q.val() << 13))
            ^ (self.x[14].q.val() >> 10);
        self.wa.next = self.ws1.val() + self.x[9].q.val();
        self.wb.next = self.ws0.val() + self.x[0].q.val();
        self.wnew.next = self.wa.val() + self.wb.val();
        // Start: h + K[0] + W[0]; h is IV[7], or the digest (the sum in FINAL, else a..h).
        self.hsel.next = self.st[7].q.val();
        if self.fin.q.val() {
            self.hsel.next = self.sum[7].val();
        }
        if self.w0_first.q.val() {
            self.hsel.next = self.ivw[7].val();
        }
        self.kw0.next = self.w0r.q.val() + self.k0.val();
        self.hkw0.next = self.kw0.val() + self.hsel.val();

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

        if self.adv.val() {
            self.st[0].d.next = self.anew.val();
            self.st[1].d.next = self.st[0].q.val();
            self.st[2].d.next = self.st[1].q.val();
            self.st[3].d.next = self.st[2].q.val();
            self.st[4].d.next = self.enew.val();
            self.st[5].d.next = self.st[4].q.val();
            self.st[6].d.next = self.st[5].q.val();
            self.st[7].d.next = self.st[6].q.val();
            self.x[15].d.next = self.wnew.val();
            if self.early.val() {
                self.x[15].d.next = self.win.val();
            }
            self.hkw.d.next = self.hkw1.val();
            self.round.d.next = self.round.q.val() + self.one6.val();
            if self.round.q.val() == self.last_round.val() {
                self.run.d.next = false;
                self.fin.d.next = true;
            }
        }
        if self.adv.val() | self.start.val() {
            for i in 0..15 {
                self.x[i].d.next = self.x[i + 1].q.val();
            }
        }
        if self.fin.q.val() {
            for i in 0..8 {
                self.chain[i].d.next = self.sum[i].val();
                self.st[i].d.next = self.sum[i].val();
            }
            self.fin.d.next = false;
        }
        if self.take_w0.val() {
            self.w0r.d.next = self.win.val();
            self.have_w0.d.next = true;
            self.w0_first.d.next = self.win_first.val();
        }
        if self.start.val() {
            if self.w0_first.q.val() {
                for i in 0..8 {
                    self.st[i].d.next = self.ivw[i].val();
                }
            }
            self.x[14].d.next = self.w0r.q.val();
            self.x[15].d.next = self.win.val();
            self.hkw.d.next = self.hkw0.val();
            self.round.d.next = self.zero6.val();
            self.run.d.next = true;
            self.have_w0.d.next = false;
            self.first_r.d.next = self.w0_first.q.val();
        }
        if self.reset.val() {
            self.run.d.next = false;
            self.fin.d.next = false;
            self.have_w0.d.next = false;
            self.round.d.next = self.zero6.val();
            for i in 0..16 {
                self.x[i].d.next = self.zero32.val();
            }
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
