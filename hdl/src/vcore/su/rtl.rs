//! `ScalarUnit` RTL: range checks and `u1 = z/s`, `u2 = r/s` mod m by the normative
//! two-numerator binary extended Euclid (ARCH.md), one step per compute cycle (a sub step: two,
//! the second without a step, so the following halve's k comes from a register), and two
//! clocks per compute cycle (below). Theory and timing derivation: `README.md`; golden model:
//! `model.rs`.
//!
//! # Two clocks per compute cycle
//! While a job computes, every cycle of the datapath described below takes two clocks. In the
//! A clock the carry chains (the x/y adders, the u/v subtractor, the comparator's segment
//! compares) load stage registers (`s0`, `s1`, `d0`, `d1`, `cgt`, `cge`) from the state; in the
//! B clock the segment lookahead, the selects and every state register take their next value
//! from the stage registers (`hb` marks B; in A each state register holds: rust-hdl's `DFF` has
//! no enable, so the hold is written out). Idle and while an output waits, the state advances
//! every clock, so acceptance and the output handshakes keep their one-clock timing, and a job
//! of C cycles in the one-clock description below takes 2·C − 1 clocks (`vcore::timing`'s
//! `SU_*` constants are in clocks). Why: chain, lookahead and select in one clock were the
//! whole top's longest path (6.75 ns); split, each half is under 4.7 ns alone. The unit is
//! busy about a third of the time at the core's job rate, so the longer job costs the core
//! little (ISS: 1.4 % more clocks on the 256-job batch).
//!
//! # Datapath
//! - **u/v engine** (256-bit `u`, `v`, flag `ge`): each clock decides the step from `u[0]`,
//!   `v[0]` and the registered `ge = (u >= v)`, and performs it: halve-u/halve-v are shifts,
//!   sub-u/sub-v one subtraction `D = ge ? u - v : v - u`. `ge` for the next step is computed
//!   *during* a halve step, from the shifted operands (`(u >> 1) >= v` or `u >= (v >> 1)`):
//!   a sub step always follows a halve (or the start), never another sub.
//! - **x/y engine** (257-bit `x1 x2 y1 y2`, one cycle behind: it executes the step the u/v
//!   engine decided in the previous cycle). Every update is one 257-bit addition `A + Q + cin`:
//!   sub: `R - O` (`Q = ~O`, cin 1) left *unreduced* in (-m, m), sign in bit 256; halve:
//!   `(R + k·m) / 2` with `k = R[0]` for `R >= 0` and `k = 2 - R[0]` for `R < 0`, which also
//!   completes the reduction of a preceding sub (a sub leaves its side even, so the next step
//!   of that side is a halve of the same register). The halving is applied to the operands
//!   (`A = R >> 1`, `Q = (k·m) >> 1`, cin = `k == 1`), and `k` is registered with the mode
//!   from the value written in the previous cycle, so the only logic before a carry chain
//!   is one 6-input LUT per bit (`R[i]`, `R[i+1]`, `O[i]`, mode). Every result the algorithm
//!   reads is canonical (ARCH's values), so the outputs are exact.
//! - **Stop**: `u == 1` / `v == 1` flags are registered (zero-detect trees off the critical
//!   path), so the engine runs one speculative step after the last one; that step only touches
//!   the side that is *not* the result (proof in `README.md`), and costs a fixed cycle
//!   (`SU_FINISH`).
//! - Adders are carry-select over 64-bit segments (longest chain 65 bits, 17 CARRY4); the
//!   segment carries are resolved by one LUT level (lookahead over the chain outputs).
//!
//! # Cycles (accept cycle c; compute cycles as in the one-clock description, see above)
//! c: load. c+1: checks (`s - m` on the u/v subtractor, `r - m` or `r - p` on y1's adder,
//! `z - m` on x1's adder, zero detects). c+2: decide: early result / Schnorr output valid in
//! c+3, or ECDSA: `x1 -= m` if `z >= m`, steps from c+3 = L0. Step j in L0 + T_j, with T_j the
//! cycles of the steps before it (`SU_STEP_CYCLES`: a sub 2); with T the cycles of all S steps
//! the stop is seen in L0 + T + 1, outputs valid in L0 + T + 2 = c + SU_SETUP + T + SU_FINISH.

use super::model::SuModulus;
use crate::prim::Widen;
use rust_hdl::prelude::*;

mod update;

/// Tag width (ARCH.md: 16 bit).
pub const TAG_BITS: usize = 16;
/// Pass-through width of the VerifyCore job: Qx (256), Qy (256), meta (8) — or Px, 0, meta.
pub const PASS_BITS: usize = 520;

/// `2^k - 1` as an `N`-bit constant.
fn ones<const N: usize>(k: usize) -> Bits<N> {
    Bits::from((num_bigint::BigUint::from(1u8) << k) - 1u8)
}

/// The ScalarUnit (see the module docs). `PW`: width of the opaque pass-through word.
#[derive(LogicBlock)]
pub struct ScalarUnit<const PW: usize> {
    /// Clock.
    pub clock: Signal<In, Clock>,
    /// Synchronous reset: drops the job in progress (no output).
    pub reset: Signal<In, Bit>,
    /// A job is offered.
    pub in_valid: Signal<In, Bit>,
    /// The unit is idle (registered).
    pub in_ready: Signal<Out, Bit>,
    /// 0 ECDSA, 1 Schnorr.
    pub in_kind: Signal<In, Bit>,
    /// Job tag.
    pub in_tag: Signal<In, Bits<TAG_BITS>>,
    /// ECDSA z / Schnorr e.
    pub in_z: Signal<In, Bits<256>>,
    /// r.
    pub in_r: Signal<In, Bits<256>>,
    /// s.
    pub in_s: Signal<In, Bits<256>>,
    /// Carried unchanged to `out_pass`.
    pub in_pass: Signal<In, Bits<PW>>,
    /// A job for the ReadyQueue is on `out_*`.
    pub out_valid: Signal<Out, Bit>,
    /// The consumer takes it.
    pub out_ready: Signal<In, Bit>,
    /// Job kind.
    pub out_kind: Signal<Out, Bit>,
    /// Job tag.
    pub out_tag: Signal<Out, Bits<TAG_BITS>>,
    /// Thread word S0: r.
    pub out_w0: Signal<Out, Bits<256>>,
    /// Thread word S1: ECDSA u1, Schnorr s.
    pub out_w1: Signal<Out, Bits<256>>,
    /// Thread word S2: ECDSA u2, Schnorr e.
    pub out_w2: Signal<Out, Bits<256>>,
    /// The pass-through word.
    pub out_pass: Signal<Out, Bits<PW>>,
    /// An early result is on `early_*`.
    pub early_valid: Signal<Out, Bit>,
    /// The consumer takes it.
    pub early_ready: Signal<In, Bit>,
    /// Job tag.
    pub early_tag: Signal<Out, Bits<TAG_BITS>>,
    /// `EcdsaCode`: 2 BAD_R, 3 BAD_S.
    pub early_code: Signal<Out, Bits<4>>,

    // ---- job and control state
    busy: DFF<Bit>,
    ph1: DFF<Bit>,
    ph2: DFF<Bit>,
    run: DFF<Bit>,
    first: DFF<Bit>,
    ov: DFF<Bit>,
    ev: DFF<Bit>,
    kind: DFF<Bit>,
    side1: DFF<Bit>,
    tag: DFF<Bits<TAG_BITS>>,
    pass: DFF<Bits<PW>>,
    rk: DFF<Bits<256>>,
    code: DFF<Bits<4>>,
    f_rlt: DFF<Bit>,
    f_zge: DFF<Bit>,
    f_rz: DFF<Bit>,
    f_sz: DFF<Bit>,
    // ---- u/v engine
    u: DFF<Bits<256>>,
    v: DFF<Bits<256>>,
    ge: DFF<Bit>,
    u_one: DFF<Bit>,
    v_one: DFF<Bit>,
    // ---- x/y engine: xy[0] x1, xy[1] x2, xy[2] y1, xy[3] y2; per register the adder mode
    // of this cycle (0/1/2 halve with k = 0/1/2, 3 sub, 4 check against m, 5 check against
    // p; computed as `mdn` in the cycle before and registered only as its decodes): `qk`/`qo`
    // (operand B), `shr` (A = R >> 1: modes 0..2) and the carry-in.
    xy: [DFF<Bits<257>>; 4],
    /// The adder's B operand for this cycle, decoded from the mode in the cycle before:
    /// the constant (`qk`) or, for a sub, ~O (`qo`).
    qk: [DFF<Bits<257>>; 4],
    qo: [DFF<Bit>; 4],
    shr: [DFF<Bit>; 4],
    cin: [DFF<Bit>; 4],
    op_hu: DFF<Bit>,
    op_hv: DFF<Bit>,
    op_su: DFF<Bit>,
    op_sv: DFF<Bit>,
    /// The cycle after a sub step: no step (`SU_STEP_CYCLES`: a sub costs 2).
    stall: DFF<Bit>,
    /// The second clock of a compute cycle (the state advances): see "Two clocks per step".
    hb: DFF<Bit>,
    // Zero extension of z and r into the 257-bit x/y registers (wiring).
    z_ext: Widen<256, 257>,
    r_ext: Widen<256, 257>,

    // ---- combinational: control
    load: Signal<Local, Bit>,
    /// A job is in its compute cycles (neither idle nor holding an output).
    computing: Signal<Local, Bit>,
    /// The state registers take their next value this clock.
    adv: Signal<Local, Bit>,
    stop: Signal<Local, Bit>,
    active: Signal<Local, Bit>,
    hu: Signal<Local, Bit>,
    hv: Signal<Local, Bit>,
    su: Signal<Local, Bit>,
    sv: Signal<Local, Bit>,
    bad_r: Signal<Local, Bit>,
    bad_s: Signal<Local, Bit>,
    // ---- combinational: u/v subtractor D = A - B and the comparator
    da: Signal<Local, Bits<256>>,
    db: Signal<Local, Bits<256>>,
    dsa: [Signal<Local, Bits<256>>; 4],
    dsb: [Signal<Local, Bits<256>>; 4],
    /// Stage registers (see "Two clocks per step" in the module docs): the segment sums.
    d0: [DFF<Bits<256>>; 3],
    d1: [DFF<Bits<256>>; 4],
    dpk: [Signal<Local, Bits<256>>; 4],
    dc: [Signal<Local, Bit>; 4],
    dsum: Signal<Local, Bits<256>>,
    ca: Signal<Local, Bits<256>>,
    cb: Signal<Local, Bits<256>>,
    /// Stage registers: the segment compares.
    cgt: [DFF<Bit>; 3],
    cge: [DFF<Bit>; 4],
    cmp: Signal<Local, Bit>,
    // ---- combinational: x/y adders, index 4 * register + segment (s1: 3 * register +
    // segment - 1, no s1 for segment 0; sc: carry out of segments 0..2, 3 * register + segment)
    oth: [Signal<Local, Bits<257>>; 4],
    aa: [Signal<Local, Bits<257>>; 4],
    q: [Signal<Local, Bits<257>>; 4],
    cin257: [Signal<Local, Bits<257>>; 4],
    sa: [Signal<Local, Bits<257>>; 16],
    sb: [Signal<Local, Bits<257>>; 16],
    /// Stage registers: the segment sums for carry-in 0 (`s0`) and 1 (`s1`).
    s0: [DFF<Bits<257>>; 16],
    s1: [DFF<Bits<257>>; 12],
    pk: [Signal<Local, Bits<257>>; 16],
    sc: [Signal<Local, Bit>; 12],
    sum: [Signal<Local, Bits<257>>; 4],
    we: [Signal<Local, Bit>; 4],
    half: [Signal<Local, Bit>; 4],
    nr0: [Signal<Local, Bit>; 4],
    nr256: [Signal<Local, Bit>; 4],
    hnext: [Signal<Local, Bit>; 4],
    snext: [Signal<Local, Bit>; 4],
    /// The adder mode of the next cycle (the mode list above); decoded into `qk`/`qo`.
    mdn: [Signal<Local, Bits<3>>; 4],

    // ---- constants
    k_m256: Constant<Bits<256>>,
    k_m: Constant<Bits<257>>,
    k_mh: Constant<Bits<257>>,
    k_lo256: Constant<Bits<257>>,
    k_md: [Constant<Bits<3>>; 6],
    k_nm: Constant<Bits<257>>,
    k_np: Constant<Bits<257>>,
    k_z257: Constant<Bits<257>>,
    k_one257: Constant<Bits<257>>,
    k_seg257: [Constant<Bits<257>>; 4],
    k_sh: [Constant<Bits<9>>; 4],
    k_m64_256: Constant<Bits<256>>,
    k_one256: Constant<Bits<256>>,
    k_code_r: Constant<Bits<4>>,
    k_code_s: Constant<Bits<4>>,
}

impl<const PW: usize> ScalarUnit<PW> {
    /// A unit for the group order `md.m()` (and, for BIP340's `r < p`, the field prime).
    pub fn new(md: &SuModulus) -> Self {
        let m = md.m().clone();
        let full257 = (num_bigint::BigUint::from(1u8) << 257u32) - 1u8;
        let not257 = |c: &num_bigint::BigUint| Bits::<257>::from(&full257 ^ c);
        Self {
            clock: Default::default(),
            reset: Default::default(),
            in_valid: Default::default(),
            in_ready: Default::default(),
            in_kind: Default::default(),
            in_tag: Default::default(),
            in_z: Default::default(),
            in_r: Default::default(),
            in_s: Default::default(),
            in_pass: Default::default(),
            out_valid: Default::default(),
            out_ready: Default::default(),
            out_kind: Default::default(),
            out_tag: Default::default(),
            out_w0: Default::default(),
            out_w1: Default::default(),
            out_w2: Default::default(),
            out_pass: Default::default(),
            early_valid: Default::default(),
            early_ready: Default::default(),
            early_tag: Default::default(),
            early_code: Default::default(),
            busy: Default::default(),
            ph1: Default::default(),
            ph2: Default::default(),
            run: Default::default(),
            first: Default::default(),
            ov: Default::default(),
            ev: Default::default(),
            kind: Default::default(),
            side1: Default::default(),
            tag: Default::default(),
            pass: Default::default(),
            rk: Default::default(),
            code: Default::default(),
            f_rlt: Default::default(),
            f_zge: Default::default(),
            f_rz: Default::default(),
            f_sz: Default::default(),
            u: Default::default(),
            v: Default::default(),
            ge: Default::default(),
            u_one: Default::default(),
            v_one: Default::default(),
            xy: Default::default(),
            qk: Default::default(),
            qo: Default::default(),
            mdn: Default::default(),
            shr: Default::default(),
            cin: Default::default(),
            op_hu: Default::default(),
            op_hv: Default::default(),
            op_su: Default::default(),
            op_sv: Default::default(),
            stall: Default::default(),
            hb: Default::default(),
            z_ext: Default::default(),
            r_ext: Default::default(),
            load: Default::default(),
            computing: Default::default(),
            adv: Default::default(),
            stop: Default::default(),
            active: Default::default(),
            hu: Default::default(),
            hv: Default::default(),
            su: Default::default(),
            sv: Default::default(),
            bad_r: Default::default(),
            bad_s: Default::default(),
            da: Default::default(),
            db: Default::default(),
            dsa: Default::default(),
            dsb: Default::default(),
            d0: Default::default(),
            d1: Default::default(),
            dpk: Default::default(),
            dc: Default::default(),
            dsum: Default::default(),
            ca: Default::default(),
            cb: Default::default(),
            cgt: Default::default(),
            cge: Default::default(),
            cmp: Default::default(),
            oth: Default::default(),
            aa: Default::default(),
            q: Default::default(),
            cin257: Default::default(),
            sa: Default::default(),
            sb: Default::default(),
            s0: Default::default(),
            s1: Default::default(),
            pk: Default::default(),
            sc: Default::default(),
            sum: Default::default(),
            we: Default::default(),
            half: Default::default(),
            nr0: Default::default(),
            nr256: Default::default(),
            hnext: Default::default(),
            snext: Default::default(),
            k_m256: Constant::new(Bits::from(m.clone())),
            k_m: Constant::new(Bits::from(m.clone())),
            k_mh: Constant::new(Bits::from(&m >> 1u32)),
            k_lo256: Constant::new(ones(256)),
            k_md: std::array::from_fn(|i| Constant::new(Bits::from(i as u64))),
            k_nm: Constant::new(not257(&m)),
            k_np: Constant::new(not257(md.p())),
            k_z257: Constant::new(Bits::default()),
            k_one257: Constant::new(Bits::from(1u64)),
            // The bits of segment j at its own position: 64 bits, 65 for the top one.
            k_seg257: std::array::from_fn(|j| {
                Constant::new(ones::<257>(if j == 3 { 257 } else { 64 * (j + 1) }) ^ ones(64 * j))
            }),
            k_sh: std::array::from_fn(|j| Constant::new(Bits::from(64 * j as u64))),
            k_m64_256: Constant::new(ones(64)),
            k_one256: Constant::new(Bits::from(1u64)),
            k_code_r: Constant::new(Bits::from(2u64)),
            k_code_s: Constant::new(Bits::from(3u64)),
        }
    }
}
