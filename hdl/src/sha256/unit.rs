//! `Sha256Unit`: one `Sha256Core` with its input FIFO, the hardware padder and the mode
//! sequencer (single or double SHA-256).
//!
//! A job is a command (`cmd_len` bytes, `cmd_double`, `cmd_tag`), followed by `ceil(len/8)`
//! 64-bit data beats written into the unit's FIFO (`data_ready` = FIFO not full; the FIFO may
//! already hold beats when the command arrives).
//!
//! **Next-job slot.** A command is accepted (`cmd_ready`) into a one-entry pending slot as soon
//! as the running job has taken all its data words out of the FIFO, i.e. while it still emits
//! padding, hashes its last block(s), runs its second pass or waits for `res_ack`. So the next
//! job's data can already stream in (the DMA's first burst pays the memory latency while this
//! job finishes) and the FIFO then holds beats of the next job only. The pending job starts
//! when the unit is idle (one clock after the slot is written, at the earliest). `busy`
//! covers the slot. Because the FIFO is empty of the running job's data when the next command
//! is accepted, a DMA credit count that starts at the FIFO depth stays exact. A beat carries two big-endian message words:
//! the earlier one in bits 63:32 (message bytes 0..3 of the beat in 63:56..39:32), the later
//! one in 31:0; bytes past `len` are ignored. The 64-bit write side lets the DMA fill a unit
//! at two words per clock; the padder reads one 32-bit half per clock and pops a beat after
//! its second half (or after the job's last word). `data_pop` pulses for each beat popped
//! (the DMA's credit return).
//!
//! The padder emits the padded message as a word stream straight into the core (no block
//! buffer): data words, the `0x80` marker (merged into the last partial word), zero words and
//! the 64-bit bit length, exactly as `model::PadStream`, one word each clock the core takes
//! one (`win_valid & win_ready`); when the FIFO runs dry in the middle of a block the core stalls. At steady
//! state the core takes 16 words per 65 clocks. Double modes run a second pass over
//! `digest || 0x80 || 0.. || 256`: the digest words are read from the core's chaining register
//! (which the second pass does not overwrite before its FINAL) through an 8-to-1 word
//! multiplexer, the padding words are constants; the first word goes out in the clock `done`
//! pulses. The result (`res_tag`, `res_digest`) is held until `res_ack`.
use rust_hdl::prelude::*;

use super::core::Sha256Core;
use crate::prim::SyncFifo;
use crate::prim::{konst, Widen};

/// log2 of the per-unit input FIFO depth in 64-bit beats (256 beats = 2 KiB).
pub const UNIT_FIFO_LOG2: usize = 8;

/// SHA-256 / SHA-256d unit with hardware padding.
#[derive(LogicBlock)]
pub struct Sha256Unit {
    pub clock: Signal<In, Clock>,
    pub reset: Signal<In, Bit>,
    pub cmd_valid: Signal<In, Bit>,
    pub cmd_ready: Signal<Out, Bit>,
    pub cmd_double: Signal<In, Bit>,
    pub cmd_len: Signal<In, Bits<21>>,
    pub cmd_tag: Signal<In, Bits<8>>,
    pub data_valid: Signal<In, Bit>,
    pub data: Signal<In, Bits<64>>,
    pub data_ready: Signal<Out, Bit>,
    /// One beat left the FIFO this clock.
    pub data_pop: Signal<Out, Bit>,
    pub res_valid: Signal<Out, Bit>,
    pub res_ack: Signal<In, Bit>,
    pub res_tag: Signal<Out, Bits<8>>,
    pub res_digest: Signal<Out, Bits<256>>,
    pub busy: Signal<Out, Bit>,
    core: Sha256Core,
    fifo: SyncFifo<Bits<64>, UNIT_FIFO_LOG2, { UNIT_FIFO_LOG2 + 1 }>,
    p1: DFF<Bit>,
    p2: DFF<Bit>,
    res: DFF<Bit>,
    tag: DFF<Bits<8>>,
    dbl: DFF<Bit>,
    full_w: DFF<Bits<22>>,
    nwords: DFF<Bits<22>>,
    /// Index of the job's last padded word (16 * blocks - 1), registered at accept so no
    /// subtractor sits in front of the word multiplexer.
    tm1: DFF<Bits<22>>,
    /// Index of the job's last data word (`nwords - 1`), registered at accept.
    nwm1: DFF<Bits<22>>,
    wi: DFF<Bits<22>>,
    /// `wi < nwords`, kept as a flip-flop beside `wi` (updated wherever `wi` or `nwords`
    /// changes): the 22-bit comparison in front of `cmd_ready` and the cluster's pick chain
    /// over the units was the hash path's longest in the whole top (5.65 ns by the model).
    wlt: DFF<Bit>,
    rem: DFF<Bits<2>>,
    lenbits: DFF<Bits<32>>,
    /// Pending (next) job: valid, length, tag, double.
    pv: DFF<Bit>,
    plen: DFF<Bits<21>>,
    ptag: DFF<Bits<8>>,
    pdbl: DFF<Bit>,
    /// The job's last padded word has been taken by the core.
    last_fed: DFF<Bit>,
    len_ext: Widen<21, 22>,
    lb_ext: Widen<21, 32>,
    t_a: Signal<Local, Bits<22>>,
    nw_a: Signal<Local, Bits<22>>,
    wi1: Signal<Local, Bits<22>>,
    word: Signal<Local, Bits<32>>,
    fword: Signal<Local, Bits<32>>,
    nw: Signal<Local, Bits<22>>,
    pop: Signal<Local, Bit>,
    needs: Signal<Local, Bit>,
    wlt_inc: Signal<Local, Bit>,
    /// The core takes `win` this clock; `take1`: a pass-1 word of the running job.
    take: Signal<Local, Bit>,
    take1: Signal<Local, Bit>,
    fin1: Signal<Local, Bit>,
    /// `fin1` of a double job: word 0 of the second pass goes out.
    fin1d: Signal<Local, Bit>,
    idle: Signal<Local, Bit>,
    /// Second pass: word index, digest word pairs/quads (binary multiplexer tree), the word.
    pidx: Signal<Local, Bits<4>>,
    dw: [Signal<Local, Bits<32>>; 8],
    m2: [Signal<Local, Bits<32>>; 4],
    m4: [Signal<Local, Bits<32>>; 2],
    p2w: Signal<Local, Bits<32>>,
    c1_22: Constant<Bits<22>>,
    c3_22: Constant<Bits<22>>,
    c8_22: Constant<Bits<22>>,
    c15_22: Constant<Bits<22>>,
    zero22: Constant<Bits<22>>,
    c8_4: Constant<Bits<4>>,
    c15_4: Constant<Bits<4>>,
    zero4: Constant<Bits<4>>,
    rem1: Constant<Bits<2>>,
    rem2: Constant<Bits<2>>,
    rem3: Constant<Bits<2>>,
    mask1: Constant<Bits<32>>,
    mask2: Constant<Bits<32>>,
    mask3: Constant<Bits<32>>,
    mark0: Constant<Bits<32>>,
    mark1: Constant<Bits<32>>,
    mark2: Constant<Bits<32>>,
    mark3: Constant<Bits<32>>,
    len256: Constant<Bits<32>>,
    zero32: Constant<Bits<32>>,
}

impl Default for Sha256Unit {
    fn default() -> Self {
        Self::new()
    }
}

impl Sha256Unit {
    pub fn new() -> Self {
        Self {
            clock: Default::default(),
            reset: Default::default(),
            cmd_valid: Default::default(),
            cmd_ready: Default::default(),
            cmd_double: Default::default(),
            cmd_len: Default::default(),
            cmd_tag: Default::default(),
            data_valid: Default::default(),
            data: Default::default(),
            data_ready: Default::default(),
            data_pop: Default::default(),
            res_valid: Default::default(),
            res_ack: Default::default(),
            res_tag: Default::default(),
            res_digest: Default::default(),
            busy: Default::default(),
            core: Sha256Core::new(),
            fifo: Default::default(),
            p1: Default::default(),
            p2: Default::default(),
            res: Default::default(),
            tag: Default::default(),
            dbl: Default::default(),
            full_w: Default::default(),
            nwords: Default::default(),
            tm1: Default::default(),
            nwm1: Default::default(),
            wi: Default::default(),
            wlt: Default::default(),
            rem: Default::default(),
            lenbits: Default::default(),
            last_fed: Default::default(),
            pv: Default::default(),
            plen: Default::default(),
            ptag: Default::default(),
            pdbl: Default::default(),
            len_ext: Default::default(),
            lb_ext: Default::default(),
            t_a: Default::default(),
            nw_a: Default::default(),
            wi1: Default::default(),
            word: Default::default(),
            fword: Default::default(),
            nw: Default::default(),
            pop: Default::default(),
            needs: Default::default(),
            wlt_inc: Default::default(),
            take: Default::default(),
            take1: Default::default(),
            fin1: Default::default(),
            fin1d: Default::default(),
            idle: Default::default(),
            pidx: Default::default(),
            dw: Default::default(),
            m2: Default::default(),
            m4: Default::default(),
            p2w: Default::default(),
            c1_22: konst(1),
            c3_22: konst(3),
            c8_22: konst(8),
            c15_22: konst(15),
            zero22: konst(0),
            c8_4: konst(8),
            c15_4: konst(15),
            zero4: konst(0),
            rem1: konst(1),
            rem2: konst(2),
            rem3: konst(3),
            mask1: konst(0xFF00_0000),
            mask2: konst(0xFFFF_0000),
            mask3: konst(0xFFFF_FF00),
            mark0: konst(0x8000_0000),
            mark1: konst(0x0080_0000),
            mark2: konst(0x0000_8000),
            mark3: konst(0x0000_0080),
            len256: konst(256),
            zero32: konst(0),
        }
    }
}

impl Logic for Sha256Unit {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(
            self, clock, p1, p2, res, tag, dbl, full_w, nwords, tm1, nwm1, wi, wlt, rem, lenbits,
            last_fed, pv, plen, ptag, pdbl
        );
        clock!(self, clock, core, fifo);
        self.core.reset.next = self.reset.val();
        self.fifo.reset.next = self.reset.val();

        // Input FIFO.
        self.fifo.write.next = self.data_valid.val();
        self.fifo.data_in.next = self.data.val();
        self.data_ready.next = !self.fifo.full.val();
        self.fifo.read.next = false;
        self.pop.next = false;

        // Command decode (latched on accept).
        self.len_ext.inp.next = self.plen.q.val();
        self.lb_ext.inp.next = self.plen.q.val();
        self.nw_a.next = self.len_ext.out.val() + self.c3_22.val();
        self.t_a.next = self.len_ext.out.val() + self.c8_22.val();
        self.nw.next = self.nw_a.val() >> 2;
        self.wi1.next = self.wi.q.val() + self.c1_22.val();

        // Pass 1: the padder's word `wi`; data words come from half `wi[0]` of the head beat.
        self.fword.next = self.fifo.data_out.val().get_bits::<32>(32);
        if self.wi.q.val().get_bit(0) {
            self.fword.next = self.fifo.data_out.val().get_bits::<32>(0);
        }
        self.needs.next = self.wlt.q.val();
        self.word.next = self.zero32.val();
        if self.wi.q.val() < self.full_w.q.val() {
            self.word.next = self.fword.val();
        } else if self.wi.q.val() == self.full_w.q.val() {
            self.word.next = self.mark0.val();
            if self.rem.q.val() == self.rem1.val() {
                self.word.next = (self.fword.val() & self.mask1.val()) | self.mark1.val();
            }
            if self.rem.q.val() == self.rem2.val() {
                self.word.next = (self.fword.val() & self.mask2.val()) | self.mark2.val();
            }
            if self.rem.q.val() == self.rem3.val() {
                self.word.next = (self.fword.val() & self.mask3.val()) | self.mark3.val();
            }
        } else if self.wi.q.val() == self.tm1.q.val() {
            self.word.next = self.lenbits.q.val();
        }

        // Pass 2 (double modes): word `pidx` of digest || 0x80 || 0.. || 256. The first word
        // goes out in the clock pass 1 finishes (`fin1`, pidx 0).
        // (`core.ready` holds here: no block follows the last one.)
        self.fin1.next =
            self.p1.q.val() & self.core.done.val() & self.last_fed.q.val() & self.core.ready.val();
        self.pidx.next = self.wi.q.val().get_bits::<4>(0);
        if self.fin1.val() {
            self.pidx.next = self.zero4.val();
        }
        for i in 0..8 {
            self.dw[i].next = self.core.digest.val().get_bits::<32>(224 - 32 * i);
        }
        for i in 0..4 {
            self.m2[i].next = self.dw[2 * i].val();
            if self.pidx.val().get_bit(0) {
                self.m2[i].next = self.dw[2 * i + 1].val();
            }
        }
        for i in 0..2 {
            self.m4[i].next = self.m2[2 * i].val();
            if self.pidx.val().get_bit(1) {
                self.m4[i].next = self.m2[2 * i + 1].val();
            }
        }
        self.p2w.next = self.m4[0].val();
        if self.pidx.val().get_bit(2) {
            self.p2w.next = self.m4[1].val();
        }
        if self.pidx.val().get_bit(3) {
            self.p2w.next = self.zero32.val();
            if self.pidx.val() == self.c8_4.val() {
                self.p2w.next = self.mark0.val();
            }
            if self.pidx.val() == self.c15_4.val() {
                self.p2w.next = self.len256.val();
            }
        }

        // The word stream into the core.
        self.core.win.next = self.word.val();
        self.core.win_valid.next =
            self.p1.q.val() & !self.last_fed.q.val() & (!self.needs.val() | !self.fifo.empty.val());
        self.core.win_first.next = self.p1.q.val() & (self.wi.q.val() == self.zero22.val());
        self.fin1d.next = self.fin1.val() & self.dbl.q.val();
        if self.p2.q.val() | self.fin1d.val() {
            self.core.win.next = self.p2w.val();
            self.core.win_valid.next = self.fin1d.val() | !self.wi.q.val().get_bit(4);
            self.core.win_first.next = self.fin1d.val();
        }
        self.take.next = self.core.win_ready.val() & self.core.win_valid.val();
        self.take1.next = self.p1.q.val() & !self.last_fed.q.val() & self.take.val();
        // wi + 1 < nwords exactly when wi < nwords and wi is not nwords - 1.
        self.wlt_inc.next = self.wlt.q.val() & (self.wi.q.val() != self.nwm1.q.val());
        if self.take1.val() {
            self.wi.d.next = self.wi1.val();
            self.wlt.d.next = self.wlt_inc.val();
            // Pop after the second half, or after the job's last word.
            self.pop.next = self.needs.val()
                & (self.wi.q.val().get_bit(0) | (self.wi.q.val() == self.nwm1.q.val()));
            self.fifo.read.next = self.pop.val();
            if self.wi.q.val() == self.tm1.q.val() {
                self.last_fed.d.next = true;
            }
        }
        if self.p2.q.val() & self.take.val() {
            self.wi.d.next = self.wi1.val();
            self.wlt.d.next = self.wlt_inc.val();
        }
        self.data_pop.next = self.pop.val();

        if self.fin1.val() {
            self.p1.d.next = false;
            if self.dbl.q.val() {
                // Word 0 of the second pass is taken in this clock (the core is idle).
                self.p2.d.next = true;
                self.wi.d.next = self.c1_22.val();
                self.wlt.d.next = self.nwords.q.val() > self.c1_22.val();
            } else {
                self.res.d.next = true;
            }
        }
        if self.p2.q.val() & self.core.done.val() {
            self.p2.d.next = false;
            self.res.d.next = true;
        }
        if self.res.q.val() & self.res_ack.val() {
            self.res.d.next = false;
        }

        // Outputs.
        // (`cmd_ready`, `idle`, `busy` from flip-flops only: see `verif/lint-waivers.vlt`.)
        self.idle.next = !self.p1.q.val() & !self.p2.q.val() & !self.res.q.val();
        self.cmd_ready.next = !self.pv.q.val() & !(self.p1.q.val() & self.wlt.q.val());
        self.busy.next = self.p1.q.val() | self.p2.q.val() | self.res.q.val() | self.pv.q.val();
        self.res_valid.next = self.res.q.val();
        self.res_tag.next = self.tag.q.val();
        self.res_digest.next = self.core.digest.val();

        // Start the pending job when idle.
        if self.idle.val() & self.pv.q.val() {
            self.pv.d.next = false;
            self.p1.d.next = true;
            self.tag.d.next = self.ptag.q.val();
            self.dbl.d.next = self.pdbl.q.val();
            self.full_w.d.next = self.len_ext.out.val() >> 2;
            self.rem.d.next = self.plen.q.val().get_bits::<2>(0);
            self.nwords.d.next = self.nw.val();
            self.nwm1.d.next = self.nw.val() - self.c1_22.val();
            // 16 * ((len + 8) / 64 + 1) - 1 = 16 * ((len + 8) / 64) + 15.
            self.tm1.d.next = ((self.t_a.val() >> 6) << 4) | self.c15_22.val();
            self.lenbits.d.next = self.lb_ext.out.val() << 3;
            self.wi.d.next = self.zero22.val();
            self.wlt.d.next = self.nw.val() != self.zero22.val();
            self.last_fed.d.next = false;
        }
        // Accept a command into the pending slot.
        if self.cmd_ready.val() & self.cmd_valid.val() {
            self.pv.d.next = true;
            self.plen.d.next = self.cmd_len.val();
            self.ptag.d.next = self.cmd_tag.val();
            self.pdbl.d.next = self.cmd_double.val();
        }
        if self.reset.val() {
            self.pv.d.next = false;
            self.p1.d.next = false;
            self.p2.d.next = false;
            self.res.d.next = false;
        }
    }
}
