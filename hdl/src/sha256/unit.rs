//! `Sha256Unit`: one `Sha256Core` with its input FIFO, the hardware padder and the mode
//! sequencer (single or double SHA-256).
//!
//! A job is a command (`cmd_len` bytes, `cmd_double`, `cmd_tag`) accepted only when the unit
//! is idle (`cmd_ready`), followed by `ceil(len/8)` 64-bit data beats written into the unit's
//! FIFO (`data_ready` = FIFO not full; the FIFO may already hold beats when the command
//! arrives, but never beats of another job). A beat carries two big-endian message words:
//! the earlier one in bits 63:32 (message bytes 0..3 of the beat in 63:56..39:32), the later
//! one in 31:0; bytes past `len` are ignored. The 64-bit write side lets the DMA fill a unit
//! at two words per clock; the padder reads one 32-bit half per clock and pops a beat after
//! its second half (or after the job's last word). `data_pop` pulses for each beat popped
//! (the DMA's credit return).
//!
//! The padder emits one 32-bit word per clock into a 16-word shift register: data words, the
//! `0x80` marker (merged into the last partial word), zero words and the 64-bit bit length,
//! exactly as `model::PadStream`. A full block is handed to the core when it is ready (in the
//! core's FINAL cycle when the padder is ahead: 65 cycles per block at steady state). Double
//! modes run a second pass over `digest || 0x80 || 0.. || 256`, built in one cycle from the
//! core's digest. The result (`res_tag`, `res_digest`) is held until `res_ack`.
use rust_hdl::prelude::*;

use super::consts::IV;
use super::core::{words_to_bits256, Sha256Core};
use super::fifo::SyncFifo;
use super::widen::Widen;

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
    total: DFF<Bits<22>>,
    wi: DFF<Bits<22>>,
    rem: DFF<Bits<2>>,
    lenbits: DFF<Bits<32>>,
    buf: [DFF<Bits<32>>; 16],
    k: DFF<Bits<4>>,
    blk_full: DFF<Bit>,
    blk_last: DFF<Bit>,
    first: DFF<Bit>,
    last_started: DFF<Bit>,
    len_ext: Widen<21, 22>,
    lb_ext: Widen<21, 32>,
    bext: [Widen<32, 512>; 16],
    dext: Widen<256, 512>,
    t_a: Signal<Local, Bits<22>>,
    t_b: Signal<Local, Bits<22>>,
    nw_a: Signal<Local, Bits<22>>,
    tm1: Signal<Local, Bits<22>>,
    wi1: Signal<Local, Bits<22>>,
    k1: Signal<Local, Bits<4>>,
    word: Signal<Local, Bits<32>>,
    fword: Signal<Local, Bits<32>>,
    nwm1: Signal<Local, Bits<22>>,
    pop: Signal<Local, Bit>,
    needs: Signal<Local, Bit>,
    can_emit: Signal<Local, Bit>,
    start1: Signal<Local, Bit>,
    start2: Signal<Local, Bit>,
    fin1: Signal<Local, Bit>,
    idle: Signal<Local, Bit>,
    bufcat: Signal<Local, Bits<512>>,
    c1_22: Constant<Bits<22>>,
    c3_22: Constant<Bits<22>>,
    c8_22: Constant<Bits<22>>,
    zero22: Constant<Bits<22>>,
    c1_4: Constant<Bits<4>>,
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
    zero32: Constant<Bits<32>>,
    iv: Constant<Bits<256>>,
    p2pad: Constant<Bits<512>>,
}

fn c<const N: usize>(v: u64) -> Constant<Bits<N>> {
    Constant::new(v.into())
}

impl Default for Sha256Unit {
    fn default() -> Self {
        Self::new()
    }
}

impl Sha256Unit {
    pub fn new() -> Self {
        // Second-pass padding: 0x80000000 in word 8, bit length 256 in word 15.
        let mut p2pad: Bits<512> = Bits::default();
        p2pad = p2pad.replace_bit(255, true);
        p2pad = p2pad.replace_bit(8, true);
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
            total: Default::default(),
            wi: Default::default(),
            rem: Default::default(),
            lenbits: Default::default(),
            buf: Default::default(),
            k: Default::default(),
            blk_full: Default::default(),
            blk_last: Default::default(),
            first: Default::default(),
            last_started: Default::default(),
            len_ext: Default::default(),
            lb_ext: Default::default(),
            bext: Default::default(),
            dext: Default::default(),
            t_a: Default::default(),
            t_b: Default::default(),
            nw_a: Default::default(),
            tm1: Default::default(),
            wi1: Default::default(),
            k1: Default::default(),
            word: Default::default(),
            fword: Default::default(),
            nwm1: Default::default(),
            pop: Default::default(),
            needs: Default::default(),
            can_emit: Default::default(),
            start1: Default::default(),
            start2: Default::default(),
            fin1: Default::default(),
            idle: Default::default(),
            bufcat: Default::default(),
            c1_22: c(1),
            c3_22: c(3),
            c8_22: c(8),
            zero22: c(0),
            c1_4: c(1),
            c15_4: c(15),
            zero4: c(0),
            rem1: c(1),
            rem2: c(2),
            rem3: c(3),
            mask1: c(0xFF00_0000),
            mask2: c(0xFFFF_0000),
            mask3: c(0xFFFF_FF00),
            mark0: c(0x8000_0000),
            mark1: c(0x0080_0000),
            mark2: c(0x0000_8000),
            mark3: c(0x0000_0080),
            zero32: c(0),
            iv: Constant::new(words_to_bits256(&IV)),
            p2pad: Constant::new(p2pad),
        }
    }
}

impl Logic for Sha256Unit {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(
            self,
            clock,
            p1,
            p2,
            res,
            tag,
            dbl,
            full_w,
            nwords,
            total,
            wi,
            rem,
            lenbits,
            k,
            blk_full,
            blk_last,
            first,
            last_started
        );
        for i in 0..16 {
            self.buf[i].clock.next = self.clock.val();
            self.buf[i].d.next = self.buf[i].q.val();
        }
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
        self.len_ext.inp.next = self.cmd_len.val();
        self.lb_ext.inp.next = self.cmd_len.val();
        self.nw_a.next = self.len_ext.out.val() + self.c3_22.val();
        self.t_a.next = self.len_ext.out.val() + self.c8_22.val();
        self.t_b.next = (self.t_a.val() >> 6) + self.c1_22.val();
        self.tm1.next = self.total.q.val() - self.c1_22.val();
        self.wi1.next = self.wi.q.val() + self.c1_22.val();
        self.k1.next = self.k.q.val() + self.c1_4.val();

        // The padder's next word: half `wi[0]` of the head beat.
        self.fword.next = self.fifo.data_out.val().get_bits::<32>(32);
        if self.wi.q.val().get_bit(0) {
            self.fword.next = self.fifo.data_out.val().get_bits::<32>(0);
        }
        self.nwm1.next = self.nwords.q.val() - self.c1_22.val();
        self.needs.next = self.wi.q.val() < self.nwords.q.val();
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
        } else if self.wi.q.val() == self.tm1.val() {
            self.word.next = self.lenbits.q.val();
        }
        self.can_emit.next = self.p1.q.val()
            & !self.blk_full.q.val()
            & (self.wi.q.val() < self.total.q.val())
            & (!self.needs.val() | !self.fifo.empty.val());
        if self.can_emit.val() {
            for i in 0..15 {
                self.buf[i].d.next = self.buf[i + 1].q.val();
            }
            self.buf[15].d.next = self.word.val();
            self.wi.d.next = self.wi1.val();
            self.k.d.next = self.k1.val();
            // Pop after the second half, or after the job's last word.
            self.pop.next = self.needs.val()
                & (self.wi.q.val().get_bit(0) | (self.wi.q.val() == self.nwm1.val()));
            self.fifo.read.next = self.pop.val();
            if self.k.q.val() == self.c15_4.val() {
                self.blk_full.d.next = true;
                self.blk_last.d.next = self.wi.q.val() == self.tm1.val();
            }
        }

        self.data_pop.next = self.pop.val();

        // Block to the core.
        for i in 0..16 {
            self.bext[i].inp.next = self.buf[i].q.val();
        }
        self.bufcat.next = (self.bext[0].out.val() << 480)
            | (self.bext[1].out.val() << 448)
            | (self.bext[2].out.val() << 416)
            | (self.bext[3].out.val() << 384)
            | (self.bext[4].out.val() << 352)
            | (self.bext[5].out.val() << 320)
            | (self.bext[6].out.val() << 288)
            | (self.bext[7].out.val() << 256)
            | (self.bext[8].out.val() << 224)
            | (self.bext[9].out.val() << 192)
            | (self.bext[10].out.val() << 160)
            | (self.bext[11].out.val() << 128)
            | (self.bext[12].out.val() << 96)
            | (self.bext[13].out.val() << 64)
            | (self.bext[14].out.val() << 32)
            | self.bext[15].out.val();
        self.dext.inp.next = self.core.digest.val();
        self.start1.next = self.p1.q.val() & self.blk_full.q.val() & self.core.ready.val();
        self.fin1.next = self.p1.q.val()
            & self.core.done.val()
            & self.last_started.q.val()
            & self.core.ready.val();
        self.start2.next = self.fin1.val() & self.dbl.q.val();
        self.core.h_in.next = self.iv.val();
        self.core.block.next = self.bufcat.val();
        if self.start2.val() {
            self.core.block.next = (self.dext.out.val() << 256) | self.p2pad.val();
        }
        self.core.start.next = self.start1.val() | self.start2.val();
        self.core.use_prev.next = self.start1.val() & !self.first.q.val();
        if self.start1.val() {
            self.blk_full.d.next = false;
            self.first.d.next = false;
            if self.blk_last.q.val() {
                self.last_started.d.next = true;
            }
        }
        if self.fin1.val() {
            self.p1.d.next = false;
            if self.dbl.q.val() {
                self.p2.d.next = true;
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
        self.idle.next = !self.p1.q.val() & !self.p2.q.val() & !self.res.q.val();
        self.cmd_ready.next = self.idle.val();
        self.busy.next = !self.idle.val();
        self.res_valid.next = self.res.q.val();
        self.res_tag.next = self.tag.q.val();
        self.res_digest.next = self.core.digest.val();

        // Accept a command.
        if self.idle.val() & self.cmd_valid.val() {
            self.p1.d.next = true;
            self.tag.d.next = self.cmd_tag.val();
            self.dbl.d.next = self.cmd_double.val();
            self.full_w.d.next = self.len_ext.out.val() >> 2;
            self.rem.d.next = self.cmd_len.val().get_bits::<2>(0);
            self.nwords.d.next = self.nw_a.val() >> 2;
            self.total.d.next = self.t_b.val() << 4;
            self.lenbits.d.next = self.lb_ext.out.val() << 3;
            self.wi.d.next = self.zero22.val();
            self.k.d.next = self.zero4.val();
            self.blk_full.d.next = false;
            self.blk_last.d.next = false;
            self.first.d.next = true;
            self.last_started.d.next = false;
        }
        if self.reset.val() {
            self.p1.d.next = false;
            self.p2.d.next = false;
            self.res.d.next = false;
            self.blk_full.d.next = false;
        }
    }
}
