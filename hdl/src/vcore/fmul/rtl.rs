//! The `FieldMul` block: ports, registers, DSP leaves and the constants taken from the plan.
//! The logic (`#[hdl_gen] update`) is in `rtl_logic.rs`; the theory in `README.md`.
//!
//! One rust-hdl block holds the datapath up to edge 20; its children are the DSP leaves
//! (`leaf.rs`), flip-flops and the final unit (`final_unit.rs`, edges 21..=24). Why not one
//! block per stage: rust-hdl emits one `always @(*)` per module, so a child whose outputs are
//! assigned in the same block that reads its inputs forms a false combinational loop with its
//! parent at block granularity (Verilator UNOPTFLAT, fatal); leaves and DFFs assign their
//! outputs in separate blocks and do not. The final unit's one output comes from a flip-flop
//! only and has its assignment isolated (`verif/lint-waivers.vlt`): one child, split off so
//! that the kernel file stays readable, not one per stage.
//!
//! Register naming: a register "at edge n" is loaded by the n-th rising edge after the edge
//! that samples the ports (edge 0); the `vld`/`tagp`/`mdp` shift registers carry an
//! operation's valid bit, tag and mode beside its data (index n = loaded at edge n).

use super::final_unit::FinalUnit;
use super::leaf::{MulAdd, MulCol, MulPair};
use super::plan::{
    mask, plan, Plan, PlanError, Stage, A_LIMB_OFF, A_LIMB_W, B_DIGIT, B_DIG_W, C977, CHUNK, COLS,
    MAX_CHUNKS, PRODUCTS, QSET, R1_SLICE, R1_TILES, R_CH, SA_CH, SB1_CH, SB2_CH, SC1_CH, SC2_CH,
    WW,
};
use num_bigint::BigUint;
use rust_hdl::prelude::*;

/// Registers of the valid/tag pipeline: edges 0..=24; the output register is at edge 24.
pub const PIPE: usize = 25;
/// Registers of the mode pipeline: the last stage that reads the mode is loaded at edge 22.
pub const MODE_PIPE: usize = 23;

// `#[hdl_gen]` cannot name Rust constants: `rtl_logic.rs` writes these as literals.
const _: () =
    assert!(SA_CH == 5 && SB1_CH == 5 && SB2_CH == 9 && SC1_CH == 9 && SC2_CH == 17 && R_CH == 9);
const _: () = assert!(PRODUCTS == 9 && COLS == 3 && R1_TILES == 11 && R1_SLICE == 24);
const _: () = assert!(B_DIGIT == 17 && CHUNK == 32 && WW == 576 && MAX_CHUNKS == 18);

pub(super) fn wide(x: &BigUint) -> Bits<WW> {
    Bits::from(x.clone())
}

fn w256(x: &BigUint) -> Bits<256> {
    Bits::from(x.clone())
}

/// Mask of a stage's top-chunk sum (its planned bound), at bit 0.
fn top_mask(st: &Stage) -> Constant<Bits<WW>> {
    let top = st.sum_max.last().map(bits_of).unwrap_or(0);
    Constant::new(wide(&mask(top)))
}

fn bits_of(x: &BigUint) -> usize {
    usize::try_from(x.bits()).unwrap_or(usize::MAX)
}

pub(super) fn sh16(n: usize) -> Constant<Bits<16>> {
    Constant::new(Bits::from(n as u64))
}

/// Per-chunk carry masks of a list of stages of `ch` chunks, flattened `[stage][chunk]`, the
/// `ch - 1` chunks below the top one (which has no carry).
fn carry_masks(stages: &[&Stage], ch: usize) -> Vec<Constant<Bits<WW>>> {
    let zero = BigUint::default();
    let mut v = Vec::new();
    for s in stages {
        for c in 0..ch - 1 {
            v.push(Constant::new(wide(s.carry_mask.get(c).unwrap_or(&zero))));
        }
    }
    v
}

/// Inversion masks of a list of stages, flattened `[stage][input]`, `n` inputs each.
fn inv_masks(stages: &[&Stage], n: usize) -> Vec<Constant<Bits<WW>>> {
    let zero = BigUint::default();
    let mut v = Vec::new();
    for s in stages {
        for i in 0..n {
            v.push(Constant::new(wide(s.inv.get(i).unwrap_or(&zero))));
        }
    }
    v
}

pub(super) fn arr<T, const N: usize>(v: Vec<T>) -> Result<[T; N], PlanError> {
    let n = v.len();
    v.try_into()
        .map_err(|_| PlanError(format!("constant table of {n} entries, expected {N}")))
}

/// `977·f << pos` for f in 0..8 and each carry field of `st` at or above `down` (pos relative to
/// `down`), flattened `[field][f]`, padded with zero tables to `nf` fields.
pub(super) fn t977(st: &Stage, down: usize, nf: usize, plus_one: bool) -> Vec<Constant<Bits<WW>>> {
    let mut v = Vec::new();
    let fields: Vec<usize> = st
        .fields()
        .into_iter()
        .filter(|&(pos, _)| pos >= down)
        .map(|(pos, _)| pos - down)
        .collect();
    for j in 0..nf {
        for f in 0..8u64 {
            let val = match fields.get(j) {
                Some(&pos) => BigUint::from((f + u64::from(plus_one)) * C977) << pos,
                None => BigUint::default(),
            };
            v.push(Constant::new(wide(&val)));
        }
    }
    v
}

/// What `rtl_logic.rs` implements and the plan must therefore satisfy: constants and
/// inversions only where the RTL adds them, carry fields of at most 3 bits where a 977-table
/// reads them, the fields of the product's high half at `256 + 32j`.
fn check_plan(pl: &Plan) -> Result<(), PlanError> {
    let no_inv = |s: &Stage| s.inv.iter().all(num_traits::Zero::is_zero);
    let no_k = |s: &Stage| num_traits::Zero::is_zero(&s.k);
    let ok = pl.sa.iter().all(|s| no_inv(s) && no_k(s))
        && pl.sb2.iter().all(no_inv)
        && no_inv(&pl.sc2)
        && [&pl.r2, &pl.r3].iter().all(|s| no_inv(s) && no_k(s))
        && [&pl.sc2, &pl.r2, &pl.r3]
            .iter()
            .all(|s| s.fields().iter().all(|&(_, w)| w <= 3))
        && pl
            .sc2
            .fields()
            .iter()
            .filter(|&&(pos, _)| pos >= 256)
            .enumerate()
            .all(|(j, &(pos, _))| pos == 256 + CHUNK * j && j < HI_FIELDS)
        && pl.r2.fields().iter().all(|&(pos, _)| pos <= 256)
        && pl.r3.fields().iter().all(|&(pos, _)| pos <= 256);
    if ok {
        Ok(())
    } else {
        Err(PlanError(
            "the plan does not fit the RTL's structure".into(),
        ))
    }
}

/// Carry fields of the product's high half (`sc2` fields at and above bit 256).
pub(super) const HI_FIELDS: usize = 9;

/// The fully pipelined 256x256 multiplier (ARCH.md "FieldMul"); `TAG` bits of tag.
#[derive(LogicBlock)]
pub struct FieldMul<const TAG: usize> {
    /// Clock.
    pub clock: Signal<In, Clock>,
    /// Synchronous reset of the valid pipeline (data registers need none).
    pub reset: Signal<In, Bit>,
    /// An operation enters this cycle.
    pub in_valid: Signal<In, Bit>,
    /// Operand a.
    pub a: Signal<In, Bits<256>>,
    /// Operand b.
    pub b: Signal<In, Bits<256>>,
    /// 0 MODP, 1 LO, 2 HI (3: reserved, computes MODP).
    pub mode: Signal<In, Bits<2>>,
    /// Carried unchanged to `out_tag`.
    pub in_tag: Signal<In, Bits<TAG>>,
    /// `out`/`out_tag` hold an operation's result (FMUL_LATENCY cycles after its `in_valid`).
    pub out_valid: Signal<Out, Bit>,
    /// The result.
    pub out: Signal<Out, Bits<256>>,
    /// The operation's tag.
    pub out_tag: Signal<Out, Bits<TAG>>,

    // ---- control pipeline ----
    pub(super) vld: [DFF<Bit>; PIPE],
    pub(super) tagp: [DFF<Bits<TAG>>; PIPE],
    pub(super) mdp: [DFF<Bits<2>>; MODE_PIPE],
    pub(super) modp11: Signal<Local, Bit>,
    pub(super) hi11: Signal<Local, Bit>,
    pub(super) hi13: Signal<Local, Bit>,
    pub(super) modp15: Signal<Local, Bit>,
    pub(super) modp19: Signal<Local, Bit>,
    pub(super) modp20: Signal<Local, Bit>,
    pub(super) modp22: Signal<Local, Bit>,

    // ---- front: operands, A limbs, B digits (digit-serial), DSP columns ----
    /// The A limb sums (edge 0), one per column.
    pub(super) xl_r: [DFF<Bits<24>>; 27],
    pub(super) b_d: [DFF<Bits<256>>; 4],
    pub(super) xl: [Signal<Local, Bits<256>>; 27],
    pub(super) ys: [Signal<Local, Bits<256>>; 36],
    pub(super) cy: [DFF<Bits<256>>; 27],
    pub(super) cols: [MulCol; 27],
    pub(super) k_shq: [Constant<Bits<16>>; 12],
    pub(super) k_xm: [Constant<Bits<256>>; 108],
    pub(super) k_shb: [Constant<Bits<16>>; 16],
    /// Zeros of the tag's and of the B operand's width (the reset values of their last stages).
    pub(super) k_ztag: Constant<Bits<TAG>>,
    pub(super) k_z256: Constant<Bits<256>>,
    pub(super) k_ym: [Constant<Bits<256>>; 144],

    // ---- chunked-adder helpers ----
    pub(super) k_sh: [Constant<Bits<16>>; 17],
    pub(super) k_m32: Constant<Bits<WW>>,
    pub(super) k_m256: Constant<Bits<WW>>,
    pub(super) k_m33: Constant<Bits<WW>>,
    pub(super) k_m2: Constant<Bits<256>>,
    // Top-chunk masks (the planned width of each top chunk's sum): without them yosys keeps
    // a full-width carry chain for every top chunk and full-width registers downstream.
    pub(super) k_sa_tm: [Constant<Bits<WW>>; 9],
    pub(super) k_sb1_tm: [Constant<Bits<WW>>; 3],
    pub(super) k_sb2_tm: [Constant<Bits<WW>>; 3],
    pub(super) k_sc1_tm: Constant<Bits<WW>>,
    pub(super) k_sc2_tm: Constant<Bits<WW>>,
    pub(super) k_r2_tm: Constant<Bits<WW>>,
    pub(super) k_r3_tm: Constant<Bits<WW>>,

    // ---- products (edge 7) ----
    pub(super) sa_s: [Signal<Local, Bits<WW>>; 45],
    pub(super) sa_wo: [Signal<Local, Bits<WW>>; 45],
    pub(super) sa_co: [Signal<Local, Bits<WW>>; 45],
    pub(super) sa_w: [DFF<Bits<WW>>; 9],
    pub(super) sa_c: [DFF<Bits<WW>>; 9],
    pub(super) k_sa_cm: [Constant<Bits<WW>>; 36],

    // ---- D = M - L - H (edge 8) ----
    pub(super) sb1_t: [Signal<Local, Bits<WW>>; 18],
    pub(super) sb1_s: [Signal<Local, Bits<WW>>; 15],
    pub(super) sb1_wo: [Signal<Local, Bits<WW>>; 15],
    pub(super) sb1_co: [Signal<Local, Bits<WW>>; 15],
    pub(super) sb1_w: [DFF<Bits<WW>>; 3],
    pub(super) sb1_c: [DFF<Bits<WW>>; 3],
    pub(super) lh_w: [DFF<Bits<WW>>; 6],
    pub(super) lh_c: [DFF<Bits<WW>>; 6],
    pub(super) k_sb1_inv: [Constant<Bits<WW>>; 18],
    pub(super) k_sb1_k: [Constant<Bits<WW>>; 3],
    pub(super) k_sb1_cm: [Constant<Bits<WW>>; 12],

    // ---- X = L + D·2^64 + H·2^128 (edge 9) ----
    pub(super) sb2_t: [Signal<Local, Bits<WW>>; 18],
    pub(super) sb2_s: [Signal<Local, Bits<WW>>; 27],
    pub(super) sb2_wo: [Signal<Local, Bits<WW>>; 27],
    pub(super) sb2_co: [Signal<Local, Bits<WW>>; 27],
    pub(super) sb2_w: [DFF<Bits<WW>>; 3],
    pub(super) sb2_c: [DFF<Bits<WW>>; 3],
    pub(super) k_sb2_k: [Constant<Bits<WW>>; 3],
    pub(super) k_sb2_cm: [Constant<Bits<WW>>; 24],

    // ---- E = X2 - X0 - X1 (edge 10) ----
    pub(super) sc1_t: [Signal<Local, Bits<WW>>; 6],
    pub(super) sc1_s: [Signal<Local, Bits<WW>>; 9],
    pub(super) sc1_wo: [Signal<Local, Bits<WW>>; 9],
    pub(super) sc1_co: [Signal<Local, Bits<WW>>; 9],
    pub(super) sc1_w: DFF<Bits<WW>>,
    pub(super) sc1_c: DFF<Bits<WW>>,
    pub(super) xd_w: [DFF<Bits<WW>>; 2],
    pub(super) xd_c: [DFF<Bits<WW>>; 2],
    pub(super) k_sc1_inv: [Constant<Bits<WW>>; 6],
    pub(super) k_sc1_k: Constant<Bits<WW>>,
    pub(super) k_sc1_cm: [Constant<Bits<WW>>; 8],

    // ---- product ab = X0 + E·2^128 + X1·2^256 (edge 11) ----
    pub(super) sc2_t: [Signal<Local, Bits<WW>>; 6],
    pub(super) sc2_s: [Signal<Local, Bits<WW>>; 17],
    pub(super) sc2_wo: [Signal<Local, Bits<WW>>; 17],
    pub(super) sc2_co: [Signal<Local, Bits<WW>>; 17],
    pub(super) pw: DFF<Bits<WW>>,
    pub(super) pc: DFF<Bits<WW>>,
    pub(super) k_sc2_k: Constant<Bits<WW>>,
    pub(super) k_sc2_cm: [Constant<Bits<WW>>; 16],

    // ---- HI: carry of the product's low half (edges 12..14, then delayed) ----
    pub(super) xs: [DFF<Bits<WW>>; 8],
    pub(super) xg: [DFF<Bit>; 8],
    pub(super) xp: [DFF<Bit>; 8],
    pub(super) xc: [Signal<Local, Bit>; 9],
    pub(super) cin_d: [DFF<Bit>; 7],

    // ---- first fold: tiles (edges 12..14), other inputs delayed ----
    pub(super) lo_w: Signal<Local, Bits<WW>>,
    pub(super) hi_w: Signal<Local, Bits<WW>>,
    pub(super) tiles: [MulAdd; 11],
    pub(super) eo: [Signal<Local, Bits<WW>>; 11],
    pub(super) k_beta977: Constant<Bits<17>>,
    pub(super) k_beta1: Constant<Bits<17>>,
    pub(super) k_z17: Constant<Bits<17>>,
    pub(super) k_z24: Constant<Bits<24>>,
    pub(super) k_z41: Constant<Bits<41>>,
    pub(super) hsh: [Signal<Local, Bits<WW>>; HI_FIELDS],
    pub(super) hf: [Signal<Local, Bits<3>>; HI_FIELDS],
    pub(super) ht: [Signal<Local, Bits<WW>>; HI_FIELDS],
    pub(super) hto: [Signal<Local, Bits<WW>>; HI_FIELDS],
    pub(super) k_t977h: [Constant<Bits<WW>>; 72],
    pub(super) r2_hiw: [DFF<Bits<WW>>; 3],
    pub(super) r2_clo: [DFF<Bits<WW>>; 3],
    pub(super) r2_chi32: [DFF<Bits<WW>>; 3],
    pub(super) r2_chi: [DFF<Bits<WW>>; 3],
    pub(super) r2_t977: [DFF<Bits<WW>>; 3],

    // ---- first fold sum (edge 15) ----
    pub(super) r2_s: [Signal<Local, Bits<WW>>; 9],
    pub(super) r2_wo: [Signal<Local, Bits<WW>>; 9],
    pub(super) r2_co: [Signal<Local, Bits<WW>>; 9],
    pub(super) tw: DFF<Bits<WW>>,
    pub(super) tc: DFF<Bits<WW>>,
    pub(super) k_r2_cm: [Constant<Bits<WW>>; 8],

    // ---- second fold: DSP pair (edges 16..19), other inputs delayed; sum (edge 20) ----
    pub(super) ttop: Signal<Local, Bits<WW>>,
    pub(super) pair: MulPair,
    pub(super) c8sh: Signal<Local, Bits<WW>>,
    pub(super) c8f: Signal<Local, Bits<3>>,
    pub(super) c8t: Signal<Local, Bits<WW>>,
    pub(super) k_t977c8: [Constant<Bits<WW>>; 8],
    pub(super) r3_twlo: [DFF<Bits<WW>>; 4],
    pub(super) r3_tclo: [DFF<Bits<WW>>; 4],
    pub(super) r3_ttop: [DFF<Bits<WW>>; 4],
    pub(super) r3_c8: [DFF<Bits<WW>>; 4],
    pub(super) r3_t977: [DFF<Bits<WW>>; 4],
    pub(super) kmodp_g: Signal<Local, Bits<WW>>,
    pub(super) k_kmodp: Constant<Bits<WW>>,
    pub(super) k_zero: Constant<Bits<WW>>,
    pub(super) r3_s: [Signal<Local, Bits<WW>>; 9],
    pub(super) r3_wo: [Signal<Local, Bits<WW>>; 9],
    pub(super) r3_co: [Signal<Local, Bits<WW>>; 9],
    pub(super) uw: DFF<Bits<WW>>,
    pub(super) uc: DFF<Bits<WW>>,
    pub(super) k_r3_cm: [Constant<Bits<WW>>; 8],

    // ---- final unit: chunk sums (21), propagate (22), lookahead/select (23), out (24) ----
    pub(super) fin: FinalUnit,
}

impl<const TAG: usize> FieldMul<TAG> {
    /// The multiplier, its constants taken from the plan.
    pub fn new() -> Result<Self, PlanError> {
        let pl: &Plan = plan()?;
        check_plan(pl)?;
        let mut xm = Vec::new();
        let mut ym = Vec::new();
        for set in QSET.iter() {
            for &lw in A_LIMB_W.iter() {
                for &inq in set.iter() {
                    xm.push(Constant::new(w256(&if inq {
                        mask(lw)
                    } else {
                        BigUint::default()
                    })));
                }
            }
            for &w in B_DIG_W.iter() {
                for &inq in set.iter() {
                    ym.push(Constant::new(w256(&if inq {
                        mask(w)
                    } else {
                        BigUint::default()
                    })));
                }
            }
        }
        let sa: Vec<&Stage> = pl.sa.iter().collect();
        let sb1: Vec<&Stage> = pl.sb1.iter().collect();
        let sb2: Vec<&Stage> = pl.sb2.iter().collect();
        let cols = (0..PRODUCTS * COLS)
            .map(|k| {
                MulCol::new(
                    A_LIMB_OFF[k % COLS],
                    bits_of(&pl.col_bits[k / COLS][k % COLS]),
                )
            })
            .collect::<Vec<_>>();
        let tiles = (0..R1_TILES)
            .map(|i| {
                let b = (&pl.r1_bits[i % 2] >> (R1_SLICE * i)) & mask(2 * R1_SLICE);
                MulAdd::new(R1_SLICE * i, bits_of(&b))
            })
            .collect::<Vec<_>>();
        Ok(Self {
            clock: Default::default(),
            reset: Default::default(),
            in_valid: Default::default(),
            a: Default::default(),
            b: Default::default(),
            mode: Default::default(),
            in_tag: Default::default(),
            out_valid: Default::default(),
            out: Default::default(),
            out_tag: Default::default(),
            vld: Default::default(),
            tagp: Default::default(),
            mdp: Default::default(),
            modp11: Default::default(),
            hi11: Default::default(),
            hi13: Default::default(),
            modp15: Default::default(),
            modp19: Default::default(),
            modp20: Default::default(),
            modp22: Default::default(),
            xl_r: Default::default(),
            b_d: Default::default(),
            xl: Default::default(),
            ys: std::array::from_fn(|_| Default::default()),
            cy: Default::default(),
            cols: arr(cols)?,
            k_shq: std::array::from_fn(|k| sh16(64 * (k % 4) + A_LIMB_OFF[k / 4])),
            k_xm: arr(xm)?,
            k_shb: std::array::from_fn(|k| sh16(64 * (k % 4) + B_DIGIT * (k / 4))),
            k_ztag: Constant::new(Bits::default()),
            k_z256: Constant::new(Bits::default()),
            k_ym: arr(ym)?,
            k_sh: std::array::from_fn(|c| sh16(CHUNK * c)),
            k_m32: Constant::new(wide(&mask(CHUNK))),
            k_m256: Constant::new(wide(&mask(256))),
            k_m33: Constant::new(wide(&mask(CHUNK + 1))),
            k_m2: Constant::new(w256(&mask(2))),
            k_sa_tm: std::array::from_fn(|p| top_mask(&pl.sa[p])),
            k_sb1_tm: std::array::from_fn(|g| top_mask(&pl.sb1[g])),
            k_sb2_tm: std::array::from_fn(|g| top_mask(&pl.sb2[g])),
            k_sc1_tm: top_mask(&pl.sc1),
            k_sc2_tm: top_mask(&pl.sc2),
            k_r2_tm: top_mask(&pl.r2),
            k_r3_tm: top_mask(&pl.r3),
            sa_s: std::array::from_fn(|_| Default::default()),
            sa_wo: std::array::from_fn(|_| Default::default()),
            sa_co: std::array::from_fn(|_| Default::default()),
            sa_w: Default::default(),
            sa_c: Default::default(),
            k_sa_cm: arr(carry_masks(&sa, SA_CH))?,
            sb1_t: Default::default(),
            sb1_s: Default::default(),
            sb1_wo: Default::default(),
            sb1_co: Default::default(),
            sb1_w: Default::default(),
            sb1_c: Default::default(),
            lh_w: Default::default(),
            lh_c: Default::default(),
            k_sb1_inv: arr(inv_masks(&sb1, 6))?,
            k_sb1_k: std::array::from_fn(|g| Constant::new(wide(&pl.sb1[g].k))),
            k_sb1_cm: arr(carry_masks(&sb1, SB1_CH))?,
            sb2_t: Default::default(),
            sb2_s: Default::default(),
            sb2_wo: Default::default(),
            sb2_co: Default::default(),
            sb2_w: Default::default(),
            sb2_c: Default::default(),
            k_sb2_k: std::array::from_fn(|g| Constant::new(wide(&pl.sb2[g].k))),
            k_sb2_cm: arr(carry_masks(&sb2, SB2_CH))?,
            sc1_t: Default::default(),
            sc1_s: Default::default(),
            sc1_wo: Default::default(),
            sc1_co: Default::default(),
            sc1_w: Default::default(),
            sc1_c: Default::default(),
            xd_w: Default::default(),
            xd_c: Default::default(),
            k_sc1_inv: arr(inv_masks(&[&pl.sc1], 6))?,
            k_sc1_k: Constant::new(wide(&pl.sc1.k)),
            k_sc1_cm: arr(carry_masks(&[&pl.sc1], SC1_CH))?,
            sc2_t: Default::default(),
            sc2_s: Default::default(),
            sc2_wo: Default::default(),
            sc2_co: Default::default(),
            pw: Default::default(),
            pc: Default::default(),
            k_sc2_k: Constant::new(wide(&pl.sc2.k)),
            k_sc2_cm: arr(carry_masks(&[&pl.sc2], SC2_CH))?,
            xs: Default::default(),
            xg: Default::default(),
            xp: Default::default(),
            xc: Default::default(),
            cin_d: Default::default(),
            lo_w: Default::default(),
            hi_w: Default::default(),
            tiles: arr(tiles)?,
            eo: Default::default(),
            k_beta977: Constant::new(Bits::from(C977)),
            k_beta1: Constant::new(Bits::from(1u64)),
            k_z17: Constant::new(Bits::default()),
            k_z24: Constant::new(Bits::default()),
            k_z41: Constant::new(Bits::default()),
            hsh: Default::default(),
            hf: Default::default(),
            ht: Default::default(),
            hto: Default::default(),
            k_t977h: arr(t977(&pl.sc2, 256, HI_FIELDS, false))?,
            r2_hiw: Default::default(),
            r2_clo: Default::default(),
            r2_chi32: Default::default(),
            r2_chi: Default::default(),
            r2_t977: Default::default(),
            r2_s: Default::default(),
            r2_wo: Default::default(),
            r2_co: Default::default(),
            tw: Default::default(),
            tc: Default::default(),
            k_r2_cm: arr(carry_masks(&[&pl.r2], R_CH))?,
            ttop: Default::default(),
            pair: MulPair::new(bits_of(&pl.z_bits)),
            c8sh: Default::default(),
            c8f: Default::default(),
            c8t: Default::default(),
            k_t977c8: arr(t977(&pl.r2, 256, 1, false))?,
            r3_twlo: Default::default(),
            r3_tclo: Default::default(),
            r3_ttop: Default::default(),
            r3_c8: Default::default(),
            r3_t977: Default::default(),
            kmodp_g: Default::default(),
            k_kmodp: Constant::new(wide(&pl.kmodp)),
            k_zero: Constant::new(Bits::default()),
            r3_s: Default::default(),
            r3_wo: Default::default(),
            r3_co: Default::default(),
            uw: Default::default(),
            uc: Default::default(),
            k_r3_cm: arr(carry_masks(&[&pl.r3], R_CH))?,
            fin: FinalUnit::new(pl)?,
        })
    }
}
