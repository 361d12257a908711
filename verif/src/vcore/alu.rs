//! The standalone `Alu` in Verilator: operations go in one per clock (fields in cycle c,
//! operand candidates in c + 1), results come out `ALU_LATENCY` clocks after their fields.

use crate::sim::{Model, PortId, SimError};
use num_bigint::BigUint;
use satchain_hdl::vcore::alu::ALU_LATENCY;
use std::collections::VecDeque;
use std::path::Path;

/// Verilator model name of the standalone ALU.
pub const MODEL: &str = "vcore_alu";

/// One operation as the cluster issues it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AluOp {
    /// ISA opcode (or `op::LOAD`).
    pub op: u64,
    pub imm: u8,
    pub sg: bool,
    /// Operand A source (`src::P`, `src::S`, `src::J_OR_K`) and B source.
    pub asel: u64,
    pub bsel: u64,
    pub tag: u32,
    pub a: BigUint,
    pub b: BigUint,
}

/// What came out of the ALU for one operation.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AluOutput {
    pub tag: u32,
    pub we: bool,
    pub rec: bool,
    pub data: BigUint,
    pub eq: Option<bool>,
    pub lt: Option<bool>,
    pub c: Option<bool>,
    pub od: Option<bool>,
}

struct Ports {
    reset: PortId,
    in_valid: PortId,
    in_op: PortId,
    in_imm: PortId,
    in_sg: PortId,
    in_asel: PortId,
    in_bsel: PortId,
    in_tag: PortId,
    cand: [PortId; 6],
    out_valid: PortId,
    out_tag: PortId,
    out_we: PortId,
    out_rec: PortId,
    out_data: PortId,
    flags: [(PortId, PortId); 4],
}

/// A Verilated ALU.
pub struct AluSim {
    m: Model,
    p: Ports,
}

impl std::fmt::Debug for AluSim {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AluSim")
            .field("model", &self.m.name())
            .finish()
    }
}

impl AluSim {
    /// Opens the model (optionally writing a VCD).
    pub fn new(vcd: Option<&Path>) -> Result<AluSim, SimError> {
        let m = match vcd {
            Some(v) => Model::with_vcd(MODEL, v)?,
            None => Model::new(MODEL)?,
        };
        let c = |n: &str| m.port(n);
        let p = Ports {
            reset: c("reset")?,
            in_valid: c("in_valid")?,
            in_op: c("in_op")?,
            in_imm: c("in_imm")?,
            in_sg: c("in_sg")?,
            in_asel: c("in_asel")?,
            in_bsel: c("in_bsel")?,
            in_tag: c("in_tag")?,
            cand: [
                c("a_p")?,
                c("a_s")?,
                c("a_j")?,
                c("b_p")?,
                c("b_s")?,
                c("b_k")?,
            ],
            out_valid: c("out_valid")?,
            out_tag: c("out_tag")?,
            out_we: c("out_we")?,
            out_rec: c("out_rec")?,
            out_data: c("out_data")?,
            flags: [
                (c("out_eq_we")?, c("out_eq")?),
                (c("out_lt_we")?, c("out_lt")?),
                (c("out_c_we")?, c("out_c")?),
                (c("out_od_we")?, c("out_od")?),
            ],
        };
        Ok(AluSim { m, p })
    }

    /// Runs `ops` back to back (one per clock) and returns their outputs in order, checking
    /// that each comes exactly `ALU_LATENCY` clocks after its fields and nothing else comes out.
    /// Unselected operand candidates carry `noise` (they must not matter).
    pub fn run(&mut self, ops: &[AluOp], noise: &BigUint) -> Result<Vec<AluOutput>, String> {
        let lat = ALU_LATENCY as usize;
        let mut expect_at: VecDeque<usize> = VecDeque::new();
        let mut out = Vec::new();
        let total = ops.len() + lat + 2;
        for cycle in 0..total {
            // Fields of op `cycle`, operands of op `cycle - 1`.
            match ops.get(cycle) {
                Some(o) => {
                    self.m.set(self.p.in_valid, 1);
                    self.set_fields(o);
                    expect_at.push_back(cycle + lat);
                }
                None => self.m.set(self.p.in_valid, 0),
            }
            for (i, port) in self.p.cand.iter().enumerate() {
                let v = match cycle.checked_sub(1).and_then(|j| ops.get(j)) {
                    Some(o) => {
                        let is_a = i < 3;
                        let sel = if is_a { o.asel } else { o.bsel };
                        match (is_a, sel == (i % 3) as u64) {
                            (true, true) => o.a.clone(),
                            (false, true) => o.b.clone(),
                            _ => noise.clone(),
                        }
                    }
                    None => noise.clone(),
                };
                self.m.set_biguint(*port, &v);
            }
            self.m.eval();
            let valid = self.m.get(self.p.out_valid) == 1;
            let due = expect_at.front() == Some(&cycle);
            if valid != due {
                return Err(format!(
                    "cycle {cycle}: out_valid {valid}, an output due: {due}"
                ));
            }
            if due {
                expect_at.pop_front();
                let mut flag = |k: usize| {
                    let (we, v) = self.p.flags[k];
                    (self.m.get(we) == 1).then(|| self.m.get(v) == 1)
                };
                let (eq, lt, c, od) = (flag(0), flag(1), flag(2), flag(3));
                out.push(AluOutput {
                    tag: u32::try_from(self.m.get(self.p.out_tag)).unwrap_or(u32::MAX),
                    we: self.m.get(self.p.out_we) == 1,
                    rec: self.m.get(self.p.out_rec) == 1,
                    data: self.m.get_biguint(self.p.out_data),
                    eq,
                    lt,
                    c,
                    od,
                });
            }
            self.m.tick();
        }
        Ok(out)
    }

    /// Issues `op` alone with the reset high in cycle `reset_at` only, and returns what the
    /// output stage shows when the op is due (`ALU_LATENCY` clocks after its fields):
    /// `(out_valid, out_tag)`. The reset clears only the output stage, so it suppresses the op
    /// exactly when `reset_at` is the cycle whose clock edge loads that stage
    /// (`ALU_LATENCY - 1`); `None` never asserts it.
    pub fn valid_tag_with_reset(
        &mut self,
        op: &AluOp,
        noise: &BigUint,
        reset_at: Option<usize>,
    ) -> (bool, u64) {
        let lat = ALU_LATENCY as usize;
        for cycle in 0..=lat {
            self.m.set(self.p.reset, u64::from(reset_at == Some(cycle)));
            self.m.set(self.p.in_valid, u64::from(cycle == 0));
            self.set_fields(op);
            for (i, port) in self.p.cand.iter().enumerate() {
                let v = match (i < 3, cycle == 1) {
                    (true, true) => &op.a,
                    (false, true) => &op.b,
                    _ => noise,
                };
                self.m.set_biguint(*port, v);
            }
            self.m.eval();
            if cycle < lat {
                self.m.tick();
            }
        }
        self.m.set(self.p.reset, 0);
        (
            self.m.get(self.p.out_valid) == 1,
            self.m.get(self.p.out_tag),
        )
    }

    /// Drives an operation's fields (everything but `in_valid` and the operands).
    fn set_fields(&mut self, o: &AluOp) {
        self.m.set(self.p.in_op, o.op);
        self.m.set(self.p.in_imm, u64::from(o.imm));
        self.m.set(self.p.in_sg, u64::from(o.sg));
        self.m.set(self.p.in_asel, o.asel);
        self.m.set(self.p.in_bsel, o.bsel);
        self.m.set(self.p.in_tag, u64::from(o.tag));
    }

    /// Flushes the VCD (if any).
    pub fn flush_vcd(&mut self) {
        self.m.flush_vcd();
    }
}
