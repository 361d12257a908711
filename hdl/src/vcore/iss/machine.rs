//! A ready-to-run core image: program, constant bank and scalar modulus for one curve.

use super::core::{run, CoreJob, Run};
use super::{Config, IssError, Machine};
use crate::vcore::asm::Program;
use crate::vcore::consts::CurveDesc;
use crate::vcore::program::{
    build, secp256k1_desc, secp256k1_program, ProgramError, ProgramOptions, ENTRY_ECDSA,
    ENTRY_SCHNORR,
};
use crate::vcore::su::model::SuModulus;
use std::sync::OnceLock;

/// Program + K image + ScalarUnit modulus.
#[derive(Debug, Clone)]
pub struct CoreImage {
    pub desc: CurveDesc,
    pub program: Program,
    pub machine: Machine,
    pub su: SuModulus,
}

/// Default cycle limit of a batch (far above any legal run; a hang is an error).
pub const MAX_CYCLES: u64 = 1 << 32;

impl CoreImage {
    /// The image for `desc` with `opts`.
    pub fn new(desc: &CurveDesc, opts: &ProgramOptions) -> Result<CoreImage, ProgramError> {
        let program = build(desc, opts).map_err(ProgramError::Asm)?;
        CoreImage::from_program(desc, program)
    }

    /// The image for `desc` running `program` (its entries by label).
    pub fn from_program(desc: &CurveDesc, program: Program) -> Result<CoreImage, ProgramError> {
        let entry = |name: &str| program.label(name).unwrap_or(0);
        let machine = Machine::new(
            &program.words,
            &desc.k_image(),
            [entry(ENTRY_ECDSA), entry(ENTRY_SCHNORR)],
        );
        let su = if desc.curve.n == crate::ecdsa::consts::Curve::secp256k1().n {
            SuModulus::secp256k1()
        } else {
            SuModulus::with_order(&desc.curve.n)
                .map_err(|e| ProgramError::Curve(crate::vcore::consts::CurveError(e.to_string())))?
        };
        Ok(CoreImage {
            desc: desc.clone(),
            program,
            machine,
            su,
        })
    }

    /// The secp256k1 product image (built once).
    pub fn secp256k1() -> Result<&'static CoreImage, ProgramError> {
        static I: OnceLock<Result<CoreImage, ProgramError>> = OnceLock::new();
        I.get_or_init(|| {
            let d = secp256k1_desc().map_err(ProgramError::Curve)?;
            let p = secp256k1_program()?.clone();
            CoreImage::from_program(d, p)
        })
        .as_ref()
        .map_err(Clone::clone)
    }

    /// Runs a batch.
    pub fn run(&self, cfg: &Config, jobs: &[CoreJob]) -> Result<Run, IssError> {
        run(cfg, &self.machine, &self.su, jobs, MAX_CYCLES)
    }

    /// How many jobs of `run` (a run of this image) visited the program label `name` or one of
    /// its sub-labels (`name.…`): the tests' evidence that a special path ran.
    pub fn jobs_visiting(&self, run: &Run, name: &str) -> usize {
        let sub = format!("{name}.");
        let pcs: Vec<u16> = self
            .program
            .labels
            .iter()
            .filter(|(k, _)| k.as_str() == name || k.starts_with(&sub))
            .map(|(_, &v)| v)
            .collect();
        run.results
            .iter()
            .filter(|r| {
                r.stats
                    .as_ref()
                    .is_some_and(|s| pcs.iter().any(|&p| s.visited(p)))
            })
            .count()
    }
}
