//! The arithmetic plan of [`FieldMul`](super::FieldMul): the limb and digit layout of the DSP
//! columns, the nine Karatsuba sub-products, and every carry-save stage (which words a chunked
//! adder sums, at which shift and sign, its constant, and the static bounds that size each
//! carry field). The RTL takes its constants from here and the model (`model.rs`) evaluates
//! the same stages, checking at run time every bound this file derives at build time.
//!
//! # Words and stages
//! After the DSP columns every value is a pair of [`WW`]-bit words `(W, C)` standing for the
//! integer `W + C`: a *chunked adder* ([`Stage`]) sums its input words in [`CHUNK`]-bit chunks;
//! chunk `k`'s sum `s_k` leaves its low 32 bits in `W` at bit `32k` and its carry `s_k >> 32`
//! (a few bits, width from [`Stage::carry_mask`]) in `C` at bit `32(k+1)`. The last chunk is
//! the *top chunk*: it takes every input bit from its base up and has no carry. No carry ever
//! ripples from one chunk to the next inside a stage; the next stage adds it.
//!
//! # Signs and offsets
//! A subtracted word `x` with possible bits `m` enters as `x ^ m` (= `m - x`), and `-m` joins
//! the stage constant. The constant is taken modulo `2^frame` (frame = bits of the stage's true
//! result), so it is non-negative and the stage's exact output is `true + offset`, where the
//! offset is a known multiple of `2^frame` ([`Stage::offset`]). Consumers subtract an input's
//! offset in their own constant. Every output is therefore an exact integer (no modular wrap
//! anywhere), which the mod-p reduction needs; the product stage's offset is a multiple of
//! `2^512`, invisible to the LO/HI results and cancelled mod p by [`Plan::kmodp`].
//!
//! # Possible bits
//! Bounds are kept as *possible-bit masks* (every bit that may be 1). A chunk's sum bound is the
//! sum of its inputs' masks in that chunk plus the constant's chunk: conservative, cheap, and
//! checked against every value the model sees.

use num_bigint::{BigInt, BigUint};
use num_integer::Integer;
use num_traits::{One, Zero};
use std::sync::OnceLock;

/// Width of every word of the carry-save datapath (after the DSP columns).
pub const WW: usize = 576;
/// Chunk width of the chunked adders.
pub const CHUNK: usize = 32;
/// Inputs of one chunked adder.
pub const MAX_IN: usize = 8;
/// Most chunks a stage may have.
pub const MAX_CHUNKS: usize = WW / CHUNK;

/// Bit offsets of the three A-side limbs of a 64-bit quarter (the DSP A port, 24 bits
/// unsigned). The 22-bit spacing leaves two bits of headroom, so the Karatsuba sums of up to
/// four quarters are formed limb by limb, without carries.
pub const A_LIMB_OFF: [usize; 3] = [0, 22, 44];
/// Widths of the A-side limbs of one quarter.
pub const A_LIMB_W: [usize; 3] = [22, 22, 20];
/// Unsigned width of the DSP48E1 A port used here.
pub const A_PORT: usize = 24;
/// B-side digit width: the DSP48E1 B port (17 bits unsigned) and the PCIN cascade shift.
pub const B_DIGIT: usize = 17;
/// Widths of the B-side digits of one 64-bit quarter.
pub const B_DIG_W: [usize; 4] = [17, 17, 17, 13];
/// DSPs per column (B digits per sub-product).
pub const ROWS: usize = 4;
/// Columns per sub-product (A limbs).
pub const COLS: usize = 3;
/// Karatsuba sub-products.
pub const PRODUCTS: usize = 9;
/// Quarter membership of each sub-product's operands (the same for a and b): product
/// `p = 3g + r`, group g (0: A0·B0, 1: A1·B1, 2: (A0+A1)·(B0+B1)), role r (0 L, 1 H, 2 M).
/// Quarters: 0 = bits 0..64 (of A0), 1 = 64..128, 2 = 128..192 (of A1), 3 = 192..256.
pub const QSET: [[bool; 4]; PRODUCTS] = [
    [true, false, false, false],
    [false, true, false, false],
    [true, true, false, false],
    [false, false, true, false],
    [false, false, false, true],
    [false, false, true, true],
    [true, false, true, false],
    [false, true, false, true],
    [true, true, true, true],
];
/// Chunks of the product stages (`sa`).
pub const SA_CH: usize = 5;
/// Chunks of the `D = M - L - H` stages (`sb1`).
pub const SB1_CH: usize = 5;
/// Chunks of the group stages (`sb2`).
pub const SB2_CH: usize = 9;
/// Chunks of `E = X2 - X0 - X1` (`sc1`).
pub const SC1_CH: usize = 9;
/// Chunks of the product (`sc2`): 16 of 32 bits and the top chunk from bit 512.
pub const SC2_CH: usize = 17;
/// Chunks of the two folds (`r2`, `r3`): 8 of 32 bits and the top chunk from bit 256.
pub const R_CH: usize = 9;
/// Tiles of the first fold (`Hi·β + Lo·γ`), 24-bit slices of the product's high word.
pub const R1_TILES: usize = 11;
/// Slice width of the first fold's tiles.
pub const R1_SLICE: usize = 24;
/// Low part of the second fold's DSP pair (the cascade shift).
pub const R3_LO: usize = 17;
/// 2^256 mod p = 2^32 + 977; this is the 977.
pub const C977: u64 = 977;
/// secp256k1 field prime p, big-endian hex.
pub const P_HEX: &str = "fffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc2f";

/// `2^n - 1`.
pub fn mask(n: usize) -> BigUint {
    (BigUint::one() << n) - 1u8
}

/// The field prime.
pub fn p() -> BigUint {
    BigUint::parse_bytes(P_HEX.as_bytes(), 16).unwrap_or_default()
}

/// 2^256 - p = 2^32 + 977.
pub fn cp() -> BigUint {
    (BigUint::one() << 32u32) + C977
}

fn bits(x: &BigUint) -> usize {
    usize::try_from(x.bits()).unwrap_or(usize::MAX)
}

/// A plan inconsistency (a bound the structure cannot meet). Never expected: the plan is
/// built from constants; a failure means the code was changed inconsistently.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlanError(pub String);

impl std::fmt::Display for PlanError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "FieldMul plan: {}", self.0)
    }
}

impl std::error::Error for PlanError {}

/// One input of a stage, as the builder receives it.
#[derive(Clone, Debug)]
pub struct InSpec {
    /// Name (for messages).
    pub what: String,
    /// Possible bits of the word, before the shift.
    pub bits: BigUint,
    /// Left shift applied by the wiring.
    pub shift: usize,
    /// Subtracted.
    pub neg: bool,
    /// The word's share of its value's offset (before the shift): compensated here.
    pub offset: BigUint,
}

impl InSpec {
    /// A positive input without offset.
    pub fn pos(what: impl Into<String>, bits: &BigUint, shift: usize) -> InSpec {
        InSpec {
            what: what.into(),
            bits: bits.clone(),
            shift,
            neg: false,
            offset: BigUint::zero(),
        }
    }
    /// The same input with its value's offset attached.
    pub fn with_offset(mut self, off: &BigUint) -> InSpec {
        self.offset = off.clone();
        self
    }
    /// The same input, subtracted.
    pub fn negated(mut self) -> InSpec {
        self.neg = true;
        self
    }
}

/// One input of a built stage.
#[derive(Clone, Debug)]
pub struct StageIn {
    /// Name (for messages).
    pub what: String,
    /// Possible bits, at their final position.
    pub bits: BigUint,
    /// Subtracted (entered as `x ^ bits`).
    pub neg: bool,
}

/// A chunked adder (see the module docs).
#[derive(Clone, Debug)]
pub struct Stage {
    /// Name (for messages).
    pub name: String,
    /// Chunks, the top chunk included.
    pub chunks: usize,
    /// Bits of the true result: the constant is reduced modulo `2^frame`.
    pub frame: usize,
    /// Inputs, in port order.
    pub inputs: Vec<StageIn>,
    /// Per input: XOR mask (its possible bits if subtracted, else 0).
    pub inv: Vec<BigUint>,
    /// The constant added.
    pub k: BigUint,
    /// Per chunk: bound of the chunk sum.
    pub sum_max: Vec<BigUint>,
    /// Per chunk except the top one: mask of its carry (at bit 0).
    pub carry_mask: Vec<BigUint>,
    /// Possible bits of the output `W`.
    pub w_bits: BigUint,
    /// Possible bits of the output `C`.
    pub c_bits: BigUint,
    /// `W + C = true + offset`.
    pub offset: BigUint,
}

impl Stage {
    /// Builds a stage: constant, offset, chunk bounds, carry masks.
    pub fn build(
        name: impl Into<String>,
        frame: usize,
        chunks: usize,
        ins: Vec<InSpec>,
    ) -> Result<Stage, PlanError> {
        let name = name.into();
        if ins.len() > MAX_IN || chunks == 0 || chunks > MAX_CHUNKS {
            return Err(PlanError(format!(
                "{name}: {} inputs, {chunks} chunks",
                ins.len()
            )));
        }
        let mut kx = BigInt::zero();
        let mut inputs = Vec::new();
        let mut inv = Vec::new();
        for i in &ins {
            let b = &i.bits << i.shift;
            if bits(&b) > WW {
                return Err(PlanError(format!(
                    "{name}: input {} beyond {WW} bits",
                    i.what
                )));
            }
            let off = BigInt::from(&i.offset << i.shift);
            if i.neg {
                kx -= BigInt::from(b.clone());
                kx += off;
            } else {
                kx -= off;
            }
            inv.push(if i.neg { b.clone() } else { BigUint::zero() });
            inputs.push(StageIn {
                what: i.what.clone(),
                bits: b,
                neg: i.neg,
            });
        }
        let modulus = BigInt::one() << frame;
        let k = kx.mod_floor(&modulus);
        let offset = (&k - &kx)
            .to_biguint()
            .ok_or_else(|| PlanError(format!("{name}: negative offset")))?;
        let k = k
            .to_biguint()
            .ok_or_else(|| PlanError(format!("{name}: negative constant")))?;
        let mut sum_max = Vec::new();
        let mut carry_mask = Vec::new();
        let mut w_bits = BigUint::zero();
        let mut c_bits = BigUint::zero();
        for c in 0..chunks {
            let lo = CHUNK * c;
            let top = c + 1 == chunks;
            let m = if top { mask(WW) } else { mask(CHUNK) };
            let mut s = (&k >> lo) & &m;
            for i in &inputs {
                s += (&i.bits >> lo) & &m;
            }
            if top {
                if lo + bits(&s) > WW {
                    return Err(PlanError(format!("{name}: top chunk beyond {WW} bits")));
                }
                w_bits |= mask(bits(&s)) << lo;
            } else {
                let cy = &s >> CHUNK;
                let cm = mask(bits(&cy));
                let wmax = std::cmp::min(s.clone(), mask(CHUNK));
                w_bits |= mask(bits(&wmax)) << lo;
                c_bits |= &cm << (lo + CHUNK);
                carry_mask.push(cm);
            }
            sum_max.push(s);
        }
        Ok(Stage {
            name,
            chunks,
            frame,
            inputs,
            inv,
            k,
            sum_max,
            carry_mask,
            w_bits,
            c_bits,
            offset,
        })
    }

    /// The carry fields of `C`: (bit position, width), lowest first.
    pub fn fields(&self) -> Vec<(usize, usize)> {
        self.carry_mask
            .iter()
            .enumerate()
            .filter(|(_, m)| !m.is_zero())
            .map(|(c, m)| (CHUNK * (c + 1), bits(m)))
            .collect()
    }
}

/// `977·f` for every value `f` of every field of a carry word (shifted down by `down`): the
/// possible bits of the table word the RTL builds (fields whose position is below `down` are
/// excluded).
fn times977_bits(fields: &[(usize, usize)], down: usize) -> BigUint {
    let mut b = BigUint::zero();
    for &(pos, w) in fields {
        if pos >= down {
            b |= mask(bits(&(mask(w) * C977))) << (pos - down);
        }
    }
    b
}

/// The whole plan.
#[derive(Clone, Debug)]
pub struct Plan {
    /// Possible bits of each column word (before its shift), `[product][column]`.
    pub col_bits: Vec<[BigUint; COLS]>,
    /// Products (3 columns -> one value), one per sub-product.
    pub sa: Vec<Stage>,
    /// Per group: `D = M - L - H`.
    pub sb1: Vec<Stage>,
    /// Per group: `X = L + D·2^64 + H·2^128`.
    pub sb2: Vec<Stage>,
    /// `E = X2 - X0 - X1`.
    pub sc1: Stage,
    /// The product `ab = X0 + E·2^128 + X1·2^256` (plus `sc2.offset`, a multiple of 2^512).
    pub sc2: Stage,
    /// Possible bits of the first fold's even and odd tile words.
    pub r1_bits: [BigUint; 2],
    /// First fold: `T = Lo + Hi·(2^32 + 977)` (MODP), `Lo` (LO) or `Hi` (HI).
    pub r2: Stage,
    /// Possible bits of the second fold's DSP product `W_top(T)·977`.
    pub z_bits: BigUint,
    /// Second fold: `U = T_lo + T_hi·(2^32 + 977) + kmodp` (MODP) or `T_lo` (LO/HI).
    pub r3: Stage,
    /// `-sc2.offset mod p`, added by the second fold in MODP.
    pub kmodp: BigUint,
}

impl Plan {
    /// Builds the plan from the constants above.
    pub fn build() -> Result<Plan, PlanError> {
        let q = mask(64);
        // ---- columns and products ----
        let mut col_bits = Vec::new();
        let mut sa = Vec::new();
        for (p, set) in QSET.iter().enumerate() {
            let n = set.iter().filter(|&&x| x).count();
            let ymax = &q * n;
            if bits(&ymax) > B_DIGIT * ROWS {
                return Err(PlanError(format!("product {p}: y wider than the digits")));
            }
            let mut cb: [BigUint; COLS] = Default::default();
            let mut ins = Vec::new();
            for i in 0..COLS {
                let xmax = mask(A_LIMB_W[i]) * n;
                if bits(&xmax) > A_PORT {
                    return Err(PlanError(format!("product {p}: limb {i} wider than A")));
                }
                cb[i] = mask(bits(&(&xmax * &ymax)));
                ins.push(InSpec::pos(format!("col{i}"), &cb[i], A_LIMB_OFF[i]));
            }
            let frame = bits(&(&q * n * &ymax));
            sa.push(Stage::build(format!("sa{p}"), frame, SA_CH, ins)?);
            col_bits.push(cb);
        }
        // ---- level-2 Karatsuba: D = M - L - H, X = L + D·2^64 + H·2^128 ----
        let mut sb1 = Vec::new();
        let mut sb2 = Vec::new();
        for g in 0..3 {
            let (l, h, m) = (&sa[3 * g], &sa[3 * g + 1], &sa[3 * g + 2]);
            let half = if g == 2 { &q * 2u8 } else { q.clone() };
            let dframe = bits(&(&half * &half * 2u8));
            let d = Stage::build(
                format!("sb1_{g}"),
                dframe,
                SB1_CH,
                vec![
                    InSpec::pos("M.w", &m.w_bits, 0),
                    InSpec::pos("M.c", &m.c_bits, 0),
                    InSpec::pos("L.w", &l.w_bits, 0).negated(),
                    InSpec::pos("L.c", &l.c_bits, 0).negated(),
                    InSpec::pos("H.w", &h.w_bits, 0).negated(),
                    InSpec::pos("H.c", &h.c_bits, 0).negated(),
                ],
            )?;
            let xmax = (&half << 64) + &half;
            let xframe = bits(&(&xmax * &xmax));
            let x = Stage::build(
                format!("sb2_{g}"),
                xframe,
                SB2_CH,
                vec![
                    InSpec::pos("L.w", &l.w_bits, 0),
                    InSpec::pos("L.c", &l.c_bits, 0),
                    InSpec::pos("H.w", &h.w_bits, 128),
                    InSpec::pos("H.c", &h.c_bits, 128),
                    InSpec::pos("D.w", &d.w_bits, 64).with_offset(&d.offset),
                    InSpec::pos("D.c", &d.c_bits, 64),
                ],
            )?;
            sb1.push(d);
            sb2.push(x);
        }
        // ---- level-1 Karatsuba: E = X2 - X0 - X1, ab = X0 + E·2^128 + X1·2^256 ----
        let (x0, x1, x2) = (&sb2[0], &sb2[1], &sb2[2]);
        let eframe = bits(&(mask(256) * 2u8));
        let sc1 = Stage::build(
            "sc1",
            eframe,
            SC1_CH,
            vec![
                InSpec::pos("X2.w", &x2.w_bits, 0).with_offset(&x2.offset),
                InSpec::pos("X2.c", &x2.c_bits, 0),
                InSpec::pos("X0.w", &x0.w_bits, 0)
                    .with_offset(&x0.offset)
                    .negated(),
                InSpec::pos("X0.c", &x0.c_bits, 0).negated(),
                InSpec::pos("X1.w", &x1.w_bits, 0)
                    .with_offset(&x1.offset)
                    .negated(),
                InSpec::pos("X1.c", &x1.c_bits, 0).negated(),
            ],
        )?;
        let sc2 = Stage::build(
            "sc2",
            512,
            SC2_CH,
            vec![
                InSpec::pos("X0.w", &x0.w_bits, 0).with_offset(&x0.offset),
                InSpec::pos("X0.c", &x0.c_bits, 0),
                InSpec::pos("X1.w", &x1.w_bits, 256).with_offset(&x1.offset),
                InSpec::pos("X1.c", &x1.c_bits, 256),
                InSpec::pos("E.w", &sc1.w_bits, 128).with_offset(&sc1.offset),
                InSpec::pos("E.c", &sc1.c_bits, 128),
            ],
        )?;
        // ---- first fold (DSP tiles): E/O = sum (beta·Hi_i + gamma·Lo_i)·2^(24 i) ----
        let hi_w = &sc2.w_bits >> 256;
        let lo_w = &sc2.w_bits & mask(256);
        if bits(&hi_w) > R1_SLICE * R1_TILES {
            return Err(PlanError(
                "product high word wider than the fold tiles".into(),
            ));
        }
        let mut r1_bits: [BigUint; 2] = Default::default();
        for i in 0..R1_TILES {
            let a = (&hi_w >> (R1_SLICE * i)) & mask(R1_SLICE);
            let c = (&lo_w >> (R1_SLICE * i)) & mask(R1_SLICE);
            let t = mask(bits(&(a * C977 + c))) << (R1_SLICE * i);
            if !(&r1_bits[i % 2] & &t).is_zero() {
                return Err(PlanError("fold tiles overlap".into()));
            }
            r1_bits[i % 2] |= t;
        }
        let c_hi = &sc2.c_bits >> 256;
        let r2 = Stage::build(
            "r2",
            WW,
            R_CH,
            vec![
                InSpec::pos("E", &r1_bits[0], 0),
                InSpec::pos("O", &r1_bits[1], 0),
                InSpec::pos("Hi.w<<32", &hi_w, 32),
                InSpec::pos("Lo.c", &(&sc2.c_bits & mask(256)), 0),
                InSpec::pos("Hi.c<<32", &c_hi, 32),
                InSpec::pos("Hi.c", &c_hi, 0),
                InSpec::pos("977·Hi.c", &times977_bits(&sc2.fields(), 256), 0),
            ],
        )?;
        // ---- second fold: W_top(T)·977 on a DSP pair, then U ----
        let wtop = &r2.w_bits >> 256;
        let c8 = &r2.c_bits >> 256;
        if bits(&wtop) > R3_LO + A_PORT || bits(&c8) > CHUNK {
            return Err(PlanError("first fold's top chunk too wide".into()));
        }
        let z_bits = mask(bits(&(&wtop * C977)));
        let kmodp = (p() - (&sc2.offset % p())) % p();
        let r3 = Stage::build(
            "r3",
            WW,
            R_CH,
            vec![
                InSpec::pos("T.w lo", &(&r2.w_bits & mask(256)), 0),
                InSpec::pos("T.c lo", &(&r2.c_bits & mask(256)), 0),
                InSpec::pos("Ttop<<32", &wtop, 32),
                InSpec::pos("c8<<32", &c8, 32),
                InSpec::pos("Ttop·977", &z_bits, 0),
                InSpec::pos("977·c8", &times977_bits(&r2.fields(), 256), 0),
                InSpec::pos("kmodp", &kmodp, 0),
            ],
        )?;
        if !(&r3.w_bits >> 256usize).is_zero() || bits(&(&r3.c_bits >> 256)) > 3 {
            return Err(PlanError(
                "second fold leaves more than a small carry".into(),
            ));
        }
        Ok(Plan {
            col_bits,
            sa,
            sb1,
            sb2,
            sc1,
            sc2,
            r1_bits,
            r2,
            z_bits,
            r3,
            kmodp,
        })
    }
}

/// The plan, built once.
pub fn plan() -> Result<&'static Plan, PlanError> {
    static PLAN: OnceLock<Result<Plan, PlanError>> = OnceLock::new();
    PLAN.get_or_init(Plan::build).as_ref().map_err(Clone::clone)
}
