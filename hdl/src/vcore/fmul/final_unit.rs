//! The final unit of [`FieldMul`](super::FieldMul), edges 21..=24 (README "Pipeline"): the
//! second fold's sum `U` (carry-save words `uw`, `uc`, loaded at edge 20) becomes the canonical
//! result. Edge 21 forms the 32-bit chunk sums with U's carry at 2^256 folded in as `977·f`
//! (and, for MODP, the alternative sums of `U - p`), edge 22 the chunk propagate signals,
//! edge 23 the carry lookahead and the `U >= p` select, edge 24 adds the carry-ins into the
//! output register `out_r`.
//!
//! A child block so that `FieldMul`'s one `#[hdl_gen]` kernel stays readable (`rtl_logic.rs`
//! holds edges 0..=20). rust-hdl emits one `always @(*)` per module, and the parent's block
//! both drives this block's inputs and reads its output: a false combinational loop at block
//! granularity (Verilator UNOPTFLAT). The output `fu_out` is a flip-flop's `q` and nothing
//! else, and `verif/lint-waivers.vlt` isolates its assignment (`isolate_assignments`), which
//! removes the false loop; a real combinational path would still be reported. Like the
//! parent, `#[hdl_gen]` cannot name Rust constants: chunk counts are literals here, tied to
//! `plan.rs` by the assertions in `rtl.rs`.

use super::plan::{mask, Plan, PlanError, CHUNK, WW};
use super::rtl::{arr, sh16, t977, wide};
use num_bigint::BigUint;
use rust_hdl::prelude::*;

/// Edges 21..=24 of the multiplier (see the module doc).
#[derive(LogicBlock)]
pub struct FinalUnit {
    pub clock: Signal<In, Clock>,
    /// U, carry-save: the words (loaded at edge 20).
    pub uw: Signal<In, Bits<WW>>,
    /// U, carry-save: the carries at their positions, U's carry at 2^256 above bit 256.
    pub uc: Signal<In, Bits<WW>>,
    /// The product's low-half carry (HI mode: the 1 added at bit 0), delayed to edge 20.
    pub cin: Signal<In, Bit>,
    /// The operation at edge 20 is MODP.
    pub modp20: Signal<In, Bit>,
    /// The operation at edge 22 is MODP.
    pub modp22: Signal<In, Bit>,
    /// The result (edge 24): `out_r`'s output and nothing else.
    pub fu_out: Signal<Out, Bits<256>>,

    u8sh: Signal<Local, Bits<WW>>,
    u8f: Signal<Local, Bits<3>>,
    f0x: Signal<Local, Bits<WW>>,
    f0b: Signal<Local, Bits<WW>>,
    f1x: Signal<Local, Bits<WW>>,
    k_t977u: [Constant<Bits<WW>>; 8],
    k_t977u1: [Constant<Bits<WW>>; 8],
    k_one: Constant<Bits<WW>>,
    k_zero: Constant<Bits<WW>>,
    k_m32: Constant<Bits<WW>>,
    k_m33: Constant<Bits<WW>>,
    k_sh: [Constant<Bits<16>>; 8],
    fs: [DFF<Bits<WW>>; 8],
    fsb0: DFF<Bits<WW>>,
    fsb1: DFF<Bits<WW>>,
    gs: [DFF<Bits<WW>>; 8],
    gsb0: DFF<Bits<WW>>,
    gsb1: DFF<Bits<WW>>,
    gp: [DFF<Bit>; 8],
    gpb1: DFF<Bit>,
    ca: [Signal<Local, Bit>; 8],
    cb: [Signal<Local, Bit>; 9],
    hs: [DFF<Bits<WW>>; 8],
    hsb0: DFF<Bits<WW>>,
    hsb1: DFF<Bits<WW>>,
    hcc: [DFF<Bit>; 8],
    hsel: DFF<Bit>,
    ob: [Signal<Local, Bits<WW>>; 8],
    inc: [Signal<Local, Bits<WW>>; 8],
    oo: [Signal<Local, Bits<WW>>; 8],
    out_r: DFF<Bits<256>>,
}

impl FinalUnit {
    /// The unit for the plan's second fold (`r3`: the 977-tables of U's carry field).
    pub(super) fn new(pl: &Plan) -> Result<Self, PlanError> {
        Ok(Self {
            clock: Default::default(),
            uw: Default::default(),
            uc: Default::default(),
            cin: Default::default(),
            modp20: Default::default(),
            modp22: Default::default(),
            fu_out: Default::default(),
            u8sh: Default::default(),
            u8f: Default::default(),
            f0x: Default::default(),
            f0b: Default::default(),
            f1x: Default::default(),
            k_t977u: arr(t977(&pl.r3, 256, 1, false))?,
            k_t977u1: arr(t977(&pl.r3, 256, 1, true))?,
            k_one: Constant::new(wide(&BigUint::from(1u8))),
            k_zero: Constant::new(Bits::default()),
            k_m32: Constant::new(wide(&mask(CHUNK))),
            k_m33: Constant::new(wide(&mask(CHUNK + 1))),
            k_sh: std::array::from_fn(|c| sh16(CHUNK * c)),
            fs: Default::default(),
            fsb0: Default::default(),
            fsb1: Default::default(),
            gs: Default::default(),
            gsb0: Default::default(),
            gsb1: Default::default(),
            gp: Default::default(),
            gpb1: Default::default(),
            ca: Default::default(),
            cb: Default::default(),
            hs: Default::default(),
            hsb0: Default::default(),
            hsb1: Default::default(),
            hcc: Default::default(),
            hsel: Default::default(),
            ob: Default::default(),
            inc: Default::default(),
            oo: Default::default(),
            out_r: Default::default(),
        })
    }
}

impl Logic for FinalUnit {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(self, clock, fsb0, fsb1, gsb0, gsb1, gpb1, hsb0, hsb1, hsel, out_r);

        // ---- edge 21: chunk sums, U's carry at 2^256 folded ----
        self.u8sh.next = self.uc.val() >> 256;
        self.u8f.next = self.u8sh.val().get_bits::<3>(0);
        self.f0x.next = self.k_zero.val();
        self.f1x.next = self.k_zero.val();
        // `#[hdl_gen]` cannot index an array by a signal: the 977-table entry of U's carry
        // field f is picked by a match, one arm per value of f (8 same-shaped arms).
        match self.u8f.val().index() {
            0 => {
                self.f0b.next = self.k_t977u1[0].val();
                if self.modp20.val() {
                    self.f0x.next = self.k_t977u[0].val();
                }
            }
            1 => {
                self.f0b.next = self.k_t977u1[1].val();
                if self.modp20.val() {
                    self.f0x.next = self.k_t977u[1].val();
                }
            }
            2 => {
                self.f0b.next = self.k_t977u1[2].val();
                if self.modp20.val() {
                    self.f0x.next = self.k_t977u[2].val();
                }
            }
            3 => {
                self.f0b.next = self.k_t977u1[3].val();
                if self.modp20.val() {
                    self.f0x.next = self.k_t977u[3].val();
                }
            }
            4 => {
                self.f0b.next = self.k_t977u1[4].val();
                if self.modp20.val() {
                    self.f0x.next = self.k_t977u[4].val();
                }
            }
            5 => {
                self.f0b.next = self.k_t977u1[5].val();
                if self.modp20.val() {
                    self.f0x.next = self.k_t977u[5].val();
                }
            }
            6 => {
                self.f0b.next = self.k_t977u1[6].val();
                if self.modp20.val() {
                    self.f0x.next = self.k_t977u[6].val();
                }
            }
            _ => {
                self.f0b.next = self.k_t977u1[7].val();
                if self.modp20.val() {
                    self.f0x.next = self.k_t977u[7].val();
                }
            }
        }
        if self.modp20.val() {
            self.f1x.next = self.u8sh.val();
        }
        if self.cin.val() {
            self.f0x.next = self.k_one.val();
        }
        for k in 0..8 {
            self.fs[k].clock.next = self.clock.val();
        }
        // (Chunk 0 is shifted by k_sh[0] = 0 like the others: yosys folds it.)
        self.fs[0].d.next = (((self.uw.val() >> self.k_sh[0].val()) & self.k_m32.val())
            + self.f0x.val())
            & self.k_m33.val();
        self.fs[1].d.next = (((self.uw.val() >> self.k_sh[1].val()) & self.k_m32.val())
            + ((self.uc.val() >> self.k_sh[1].val()) & self.k_m32.val())
            + self.f1x.val())
            & self.k_m33.val();
        for k in 2..8 {
            self.fs[k].d.next = (((self.uw.val() >> self.k_sh[k].val()) & self.k_m32.val())
                + ((self.uc.val() >> self.k_sh[k].val()) & self.k_m32.val()))
                & self.k_m33.val();
        }
        self.fsb0.d.next = ((self.uw.val() & self.k_m32.val()) + self.f0b.val()) & self.k_m33.val();
        self.fsb1.d.next = (((self.uw.val() >> self.k_sh[1].val()) & self.k_m32.val())
            + ((self.uc.val() >> self.k_sh[1].val()) & self.k_m32.val())
            + self.u8sh.val()
            + self.k_one.val())
            & self.k_m33.val();

        // ---- edge 22: propagate signals ----
        for k in 0..8 {
            self.gs[k].clock.next = self.clock.val();
            self.gp[k].clock.next = self.clock.val();
            self.gs[k].d.next = self.fs[k].q.val();
            self.gp[k].d.next = (self.fs[k].q.val() & self.k_m32.val()) == self.k_m32.val();
        }
        self.gsb0.d.next = self.fsb0.q.val();
        self.gsb1.d.next = self.fsb1.q.val();
        self.gpb1.d.next = (self.fsb1.q.val() & self.k_m32.val()) == self.k_m32.val();

        // ---- edge 23: lookahead, U >= p select ----
        self.ca[0].next = false;
        for k in 0..7 {
            self.ca[k + 1].next =
                self.gs[k].q.val().get_bit(32) | (self.gp[k].q.val() & self.ca[k].val());
        }
        self.cb[0].next = false;
        self.cb[1].next = self.gsb0.q.val().get_bit(32);
        self.cb[2].next = self.gsb1.q.val().get_bit(32) | (self.gpb1.q.val() & self.cb[1].val());
        for k in 2..8 {
            self.cb[k + 1].next =
                self.gs[k].q.val().get_bit(32) | (self.gp[k].q.val() & self.cb[k].val());
        }
        self.hsel.d.next = self.modp22.val() & self.cb[8].val();
        for k in 0..8 {
            self.hs[k].clock.next = self.clock.val();
            self.hcc[k].clock.next = self.clock.val();
            self.hs[k].d.next = self.gs[k].q.val();
            self.hcc[k].d.next = self.ca[k].val();
            if self.modp22.val() & self.cb[8].val() {
                self.hcc[k].d.next = self.cb[k].val();
            }
        }
        self.hsb0.d.next = self.gsb0.q.val();
        self.hsb1.d.next = self.gsb1.q.val();

        // ---- edge 24: add the carry-ins (the output register) ----
        for k in 0..8 {
            self.ob[k].next = self.hs[k].q.val();
            self.inc[k].next = self.k_zero.val();
            if self.hcc[k].q.val() {
                self.inc[k].next = self.k_one.val();
            }
        }
        if self.hsel.q.val() {
            self.ob[0].next = self.hsb0.q.val();
            self.ob[1].next = self.hsb1.q.val();
        }
        self.oo[0].next = (self.ob[0].val() + self.inc[0].val()) & self.k_m32.val();
        for k in 1..8 {
            self.oo[k].next = self.oo[k - 1].val()
                | (((self.ob[k].val() + self.inc[k].val()) & self.k_m32.val())
                    << self.k_sh[k].val());
        }
        self.out_r.d.next = self.oo[7].val().get_bits::<256>(0);

        self.fu_out.next = self.out_r.q.val();
    }
}
