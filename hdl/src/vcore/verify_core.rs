//! `VerifyCore<N>`: the ECDSA/BIP340 verification core — the [`ScalarUnit`] feeding a
//! [`ReadyQueue`] feeding `N` [`ClusterCore`]s, with the job port in front and the verdict
//! port behind (README.md "VerifyCore"). The rules are the ISS's (`iss::core`, which models
//! this block cycle for cycle, ports included, in `run_ports`):
//!
//! - **Jobs** (`job_*`, valid/ready; the fields of `iss::core::CoreJob`, named as the
//!   `VerifyRing`'s job port so it can drive this one directly) enter the ScalarUnit, one at a
//!   time, in order; `job_ready` is the ScalarUnit's `in_ready` (high again the cycle after its
//!   output handshake) while fewer than [`INSIDE_CAP`] jobs are inside (accepted, verdict not
//!   yet taken).
//! - **Early results** (BAD_R / BAD_S) leave the ScalarUnit at once (`early_ready` is 1);
//!   ready jobs go to the ReadyQueue (`out_ready` = room, or the head leaves this cycle).
//! - **Hand-off**: the ReadyQueue's head goes, one per cycle, to the lowest-numbered cluster
//!   whose `job_ready` is high; its six words follow from that cluster's [`JobStream`].
//! - **Verdicts** (`verdict_*`, valid/ready): one FIFO per source ([`VERDICT_FIFO_LOG2`]):
//!   source 0 the early results (delayed `RES_DELAY` cycles to line up with the clusters'
//!   `res_valid`), source 1 + c cluster c. Fixed priority: the lowest-numbered source whose
//!   FIFO is not empty. A result can leave `timing::VERDICT_DELAY` cycles after its HALT
//!   select (early: after the ScalarUnit's output cycle). **None is lost**: a cluster's
//!   `res_valid` has no back-pressure, so the admission cap is what guarantees room: every
//!   result in a FIFO belongs to a job inside, and no FIFO holds fewer than `INSIDE_CAP`.
//!   `verdict_valid` comes from flip-flops only (never from `verdict_ready`), as the
//!   VerifyRing requires.
//! - `busy`: some job inside; `fault`: a Recoder refused a request or a result met a full FIFO
//!   (never, by construction; the test benches check it).
//!
//! Program and K-bank load ports go to every cluster (a product top ties `prog_we`/`k_we` to 0:
//! the images are the constructor's; test benches load them at run time).
use crate::prim::{SyncFifo, Widen};
use crate::vcore::cluster_core::ClusterCore;
use crate::vcore::fmul::plan::PlanError;
use crate::vcore::iss::READY_QUEUE;
use crate::vcore::job_stream::JobStream;
use crate::vcore::ready_queue::ReadyQueue;
use crate::vcore::su::model::SuModulus;
use crate::vcore::su::rtl::{ScalarUnit, PASS_BITS, TAG_BITS};
use rust_hdl::prelude::*;

// Early results pass two registers (`ev1`, `ev2`) to line up with the clusters' `res_valid`.
const _: () = assert!(crate::vcore::timing::RES_DELAY == 2);

/// log2 of the entries of each verdict FIFO.
pub const VERDICT_FIFO_LOG2: usize = 6;
/// Jobs inside the core at most (= the verdict FIFOs' depth, see the module docs). Far above
/// the jobs that can be in flight (1 + READY_QUEUE + N · THREADS = 27 for N = 1, 51 for N = 2):
/// it binds only when verdicts are not taken for a long time.
pub const INSIDE_CAP: usize = 1 << VERDICT_FIFO_LOG2;
const _: () = assert!(1 + READY_QUEUE + 2 * crate::vcore::params::THREADS < INSIDE_CAP);
/// A verdict FIFO entry: cycles[51:20], code[19:16], tag[15:0].
pub const VERDICT_BITS: usize = 52;

type VerdictFifo = SyncFifo<Bits<VERDICT_BITS>, VERDICT_FIFO_LOG2, { VERDICT_FIFO_LOG2 + 1 }>;

/// The core (see the module docs).
#[derive(LogicBlock)]
pub struct VerifyCore<const N: usize> {
    pub clock: Signal<In, Clock>,
    /// Synchronous reset (hold it for a few cycles): drops every job.
    pub reset: Signal<In, Bit>,
    pub job_valid: Signal<In, Bit>,
    pub job_ready: Signal<Out, Bit>,
    /// 0 ECDSA, 1 BIP340.
    pub job_kind: Signal<In, Bit>,
    pub job_tag: Signal<In, Bits<TAG_BITS>>,
    /// SEC1 prefix (ECDSA; 0 for BIP340).
    pub job_prefix: Signal<In, Bits<8>>,
    /// z (ECDSA) or e (BIP340), unreduced.
    pub job_z: Signal<In, Bits<256>>,
    pub job_r: Signal<In, Bits<256>>,
    pub job_s: Signal<In, Bits<256>>,
    /// Qx or Px.
    pub job_qx: Signal<In, Bits<256>>,
    /// Qy (uncompressed ECDSA keys; else 0).
    pub job_qy: Signal<In, Bits<256>>,
    pub verdict_valid: Signal<Out, Bit>,
    pub verdict_ready: Signal<In, Bit>,
    pub verdict_tag: Signal<Out, Bits<TAG_BITS>>,
    /// `EcdsaCode`.
    pub verdict_code: Signal<Out, Bits<4>>,
    /// Thread cycles (0 for early results).
    pub verdict_cycles: Signal<Out, Bits<32>>,
    /// The program's entries (ECDSA, BIP340), to every cluster.
    pub entry0: Signal<In, Bits<11>>,
    pub entry1: Signal<In, Bits<11>>,
    pub prog_we: Signal<In, Bit>,
    pub prog_addr: Signal<In, Bits<11>>,
    pub prog_data: Signal<In, Bits<72>>,
    pub k_we: Signal<In, Bit>,
    pub k_addr: Signal<In, Bits<8>>,
    pub k_data: Signal<In, Bits<256>>,
    /// Some job inside.
    pub busy: Signal<Out, Bit>,
    /// Jobs inside (accepted, verdict not taken).
    pub jobs_inside: Signal<Out, Bits<8>>,
    /// Never high (see the module docs).
    pub fault: Signal<Out, Bit>,
    sunit: ScalarUnit<PASS_BITS>,
    rq: ReadyQueue<READY_QUEUE>,
    cc: [ClusterCore; N],
    js: [JobStream; N],
    cfifo: [VerdictFifo; N],
    efifo: VerdictFifo,
    ev1: DFF<Bit>,
    ev2: DFF<Bit>,
    et1: DFF<Bits<TAG_BITS>>,
    et2: DFF<Bits<TAG_BITS>>,
    ec1: DFF<Bits<4>>,
    ec2: DFF<Bits<4>>,
    n_in: DFF<Bits<8>>,
    // ---- combinational
    grant: [Signal<Local, Bit>; N],
    found: Signal<Local, Bit>,
    pop: Signal<Local, Bit>,
    su_take: Signal<Local, Bit>,
    o_found: Signal<Local, Bit>,
    o_data: Signal<Local, Bits<VERDICT_BITS>>,
    acc: Signal<Local, Bit>,
    del: Signal<Local, Bit>,
    full_hit: Signal<Local, Bit>,
    // ---- wiring
    qx_ext: Widen<256, PASS_BITS>,
    qy_ext: Widen<256, PASS_BITS>,
    pf_ext: Widen<8, PASS_BITS>,
    s5_ext: Widen<8, 256>,
    et_ext: Widen<TAG_BITS, VERDICT_BITS>,
    ec_ext: Widen<4, VERDICT_BITS>,
    rt_ext: [Widen<TAG_BITS, VERDICT_BITS>; N],
    rc_ext: [Widen<4, VERDICT_BITS>; N],
    ry_ext: [Widen<32, VERDICT_BITS>; N],
    k_cap: Constant<Bits<8>>,
    k_zero8: Constant<Bits<8>>,
    k_one8: Constant<Bits<8>>,
}

impl<const N: usize> VerifyCore<N> {
    /// A core whose clusters' ROM holds `rom` and K bank `k` (empty for a test bench that
    /// loads them through the load ports), whose ScalarUnit works modulo `md.m()`. Returned
    /// boxed: the FieldMuls are megabytes by value (build it on a thread with
    /// `fmul::BUILD_STACK` bytes of stack, as [`verilog`] does).
    ///
    /// # Errors
    /// A FieldMul's plan does not build.
    pub fn new(md: &SuModulus, rom: &[Bits<72>], k: &[Bits<256>]) -> Result<Box<Self>, PlanError> {
        assert!(N >= 1, "VerifyCore: at least one cluster");
        let mut cores = Vec::with_capacity(N);
        for _ in 0..N {
            cores.push(ClusterCore::new(rom, k)?);
        }
        let cc: [ClusterCore; N] = cores
            .try_into()
            .map_err(|_| PlanError("cluster count".into()))?;
        Ok(Box::new(Self {
            clock: Default::default(),
            reset: Default::default(),
            job_valid: Default::default(),
            job_ready: Default::default(),
            job_kind: Default::default(),
            job_tag: Default::default(),
            job_prefix: Default::default(),
            job_z: Default::default(),
            job_r: Default::default(),
            job_s: Default::default(),
            job_qx: Default::default(),
            job_qy: Default::default(),
            verdict_valid: Default::default(),
            verdict_ready: Default::default(),
            verdict_tag: Default::default(),
            verdict_code: Default::default(),
            verdict_cycles: Default::default(),
            entry0: Default::default(),
            entry1: Default::default(),
            prog_we: Default::default(),
            prog_addr: Default::default(),
            prog_data: Default::default(),
            k_we: Default::default(),
            k_addr: Default::default(),
            k_data: Default::default(),
            busy: Default::default(),
            jobs_inside: Default::default(),
            fault: Default::default(),
            sunit: ScalarUnit::new(md),
            rq: Default::default(),
            cc,
            js: std::array::from_fn(|_| Default::default()),
            cfifo: std::array::from_fn(|_| Default::default()),
            efifo: Default::default(),
            ev1: Default::default(),
            ev2: Default::default(),
            et1: Default::default(),
            et2: Default::default(),
            ec1: Default::default(),
            ec2: Default::default(),
            n_in: Default::default(),
            grant: std::array::from_fn(|_| Default::default()),
            found: Default::default(),
            pop: Default::default(),
            su_take: Default::default(),
            o_found: Default::default(),
            o_data: Default::default(),
            acc: Default::default(),
            del: Default::default(),
            full_hit: Default::default(),
            qx_ext: Default::default(),
            qy_ext: Default::default(),
            pf_ext: Default::default(),
            s5_ext: Default::default(),
            et_ext: Default::default(),
            ec_ext: Default::default(),
            rt_ext: std::array::from_fn(|_| Default::default()),
            rc_ext: std::array::from_fn(|_| Default::default()),
            ry_ext: std::array::from_fn(|_| Default::default()),
            k_cap: Constant::new(Bits::from(INSIDE_CAP as u64)),
            k_zero8: Constant::new(Bits::default()),
            k_one8: Constant::new(Bits::from(1u64)),
        }))
    }
}

impl<const N: usize> Logic for VerifyCore<N> {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(self, clock, ev1, ev2, et1, et2, ec1, ec2, n_in);
        self.sunit.clock.next = self.clock.val();
        self.rq.clock.next = self.clock.val();
        self.efifo.clock.next = self.clock.val();
        self.sunit.reset.next = self.reset.val();
        self.rq.reset.next = self.reset.val();
        self.efifo.reset.next = self.reset.val();

        // ---- job port -> ScalarUnit (pass word: prefix[519:512], Qy[511:256], Qx[255:0])
        self.acc.next = self.job_valid.val()
            & self.sunit.in_ready.val()
            & (self.n_in.q.val() != self.k_cap.val());
        self.job_ready.next = self.sunit.in_ready.val() & (self.n_in.q.val() != self.k_cap.val());
        self.sunit.in_valid.next = self.acc.val();
        self.sunit.in_kind.next = self.job_kind.val();
        self.sunit.in_tag.next = self.job_tag.val();
        self.sunit.in_z.next = self.job_z.val();
        self.sunit.in_r.next = self.job_r.val();
        self.sunit.in_s.next = self.job_s.val();
        self.qx_ext.inp.next = self.job_qx.val();
        self.qy_ext.inp.next = self.job_qy.val();
        self.pf_ext.inp.next = self.job_prefix.val();
        self.sunit.in_pass.next =
            self.qx_ext.out.val() | (self.qy_ext.out.val() << 256) | (self.pf_ext.out.val() << 512);

        // ---- hand-off: the ReadyQueue's head to the lowest-numbered ready cluster
        self.found.next = false;
        for c in 0..N {
            self.grant[c].next = false;
            if !self.found.val() & self.cc[c].job_ready.val() & self.rq.nonempty.val() {
                self.grant[c].next = true;
            }
            if self.cc[c].job_ready.val() {
                self.found.next = true;
            }
        }
        self.pop.next = self.found.val() & self.rq.nonempty.val();
        self.rq.pop.next = self.pop.val();

        // ---- ScalarUnit -> ReadyQueue (room, or the head leaves now) / early results
        self.su_take.next = self.rq.room.val() | self.pop.val();
        self.sunit.out_ready.next = self.su_take.val();
        self.rq.push.next = self.sunit.out_valid.val() & self.su_take.val();
        self.rq.in_kind.next = self.sunit.out_kind.val();
        self.rq.in_tag.next = self.sunit.out_tag.val();
        self.rq.in_w0.next = self.sunit.out_w0.val();
        self.rq.in_w1.next = self.sunit.out_w1.val();
        self.rq.in_w2.next = self.sunit.out_w2.val();
        self.rq.in_pass.next = self.sunit.out_pass.val();
        self.sunit.early_ready.next = true;
        self.ev1.d.next = self.sunit.early_valid.val();
        self.et1.d.next = self.sunit.early_tag.val();
        self.ec1.d.next = self.sunit.early_code.val();
        self.ev2.d.next = self.ev1.q.val();
        self.et2.d.next = self.et1.q.val();
        self.ec2.d.next = self.ec1.q.val();
        self.et_ext.inp.next = self.et2.q.val();
        self.ec_ext.inp.next = self.ec2.q.val();
        self.efifo.write.next = self.ev2.q.val();
        self.efifo.data_in.next = self.et_ext.out.val() | (self.ec_ext.out.val() << 16);
        self.full_hit.next = self.ev2.q.val() & self.efifo.full.val();

        // ---- clusters, their word players and verdict FIFOs
        self.s5_ext.inp.next = self.rq.head_pass.val().get_bits::<8>(512);
        for c in 0..N {
            self.cc[c].clock.next = self.clock.val();
            self.js[c].clock.next = self.clock.val();
            self.cfifo[c].clock.next = self.clock.val();
            self.cc[c].reset.next = self.reset.val();
            self.cfifo[c].reset.next = self.reset.val();
            self.cc[c].job_valid.next = self.grant[c].val();
            self.cc[c].job_kind.next = self.rq.head_kind.val();
            self.cc[c].job_tag.next = self.rq.head_tag.val();
            self.js[c].load.next = self.grant[c].val();
            self.js[c].w0.next = self.rq.head_w0.val();
            self.js[c].w1.next = self.rq.head_w1.val();
            self.js[c].w2.next = self.rq.head_w2.val();
            self.js[c].w3.next = self.rq.head_pass.val().get_bits::<256>(0);
            self.js[c].w4.next = self.rq.head_pass.val().get_bits::<256>(256);
            self.js[c].w5.next = self.s5_ext.out.val();
            self.cc[c].job_word.next = self.js[c].word.val();
            self.cc[c].entry0.next = self.entry0.val();
            self.cc[c].entry1.next = self.entry1.val();
            self.cc[c].prog_we.next = self.prog_we.val();
            self.cc[c].prog_addr.next = self.prog_addr.val();
            self.cc[c].prog_data.next = self.prog_data.val();
            self.cc[c].k_we.next = self.k_we.val();
            self.cc[c].k_addr.next = self.k_addr.val();
            self.cc[c].k_data.next = self.k_data.val();
            self.rt_ext[c].inp.next = self.cc[c].res_tag.val();
            self.rc_ext[c].inp.next = self.cc[c].res_code.val();
            self.ry_ext[c].inp.next = self.cc[c].res_cycles.val();
            self.cfifo[c].write.next = self.cc[c].res_valid.val();
            self.cfifo[c].data_in.next = self.rt_ext[c].out.val()
                | (self.rc_ext[c].out.val() << 16)
                | (self.ry_ext[c].out.val() << 20);
            if (self.cc[c].res_valid.val() & self.cfifo[c].full.val())
                | self.cc[c].rec_refused.val()
            {
                self.full_hit.next = true;
            }
        }
        self.fault.next = self.full_hit.val();

        // ---- verdict port: the lowest-numbered source with a visible result
        self.o_found.next = !self.efifo.empty.val();
        self.o_data.next = self.efifo.data_out.val();
        self.efifo.read.next = self.verdict_ready.val() & !self.efifo.empty.val();
        for c in 0..N {
            self.cfifo[c].read.next = false;
            if !self.o_found.val() & !self.cfifo[c].empty.val() {
                self.o_data.next = self.cfifo[c].data_out.val();
                self.cfifo[c].read.next = self.verdict_ready.val();
            }
            if !self.cfifo[c].empty.val() {
                self.o_found.next = true;
            }
        }
        self.verdict_valid.next = self.o_found.val();
        self.verdict_tag.next = self.o_data.val().get_bits::<16>(0);
        self.verdict_code.next = self.o_data.val().get_bits::<4>(16);
        self.verdict_cycles.next = self.o_data.val().get_bits::<32>(20);
        self.del.next = self.o_found.val() & self.verdict_ready.val();

        // ---- jobs inside
        if self.acc.val() & !self.del.val() {
            self.n_in.d.next = self.n_in.q.val() + self.k_one8.val();
        }
        if self.del.val() & !self.acc.val() {
            self.n_in.d.next = self.n_in.q.val() - self.k_one8.val();
        }
        if self.reset.val() {
            self.n_in.d.next = self.k_zero8.val();
            self.ev1.d.next = false;
            self.ev2.d.next = false;
        }
        self.jobs_inside.next = self.n_in.q.val();
        self.busy.next = self.n_in.q.val() != self.k_zero8.val();
    }
}

/// The Verilog of a `VerifyCore<N>` (see [`VerifyCore::new`]), built on a thread with
/// `fmul::BUILD_STACK` bytes of stack.
///
/// # Errors
/// A FieldMul's plan fails, or the build thread cannot start or fails.
pub fn verilog<const N: usize>(
    md: SuModulus,
    rom: Vec<Bits<72>>,
    k: Vec<Bits<256>>,
) -> Result<String, PlanError> {
    crate::vcore::fmul::on_build_stack(move || {
        let mut uut = VerifyCore::<N>::new(&md, &rom, &k)?;
        uut.connect_all();
        Ok(generate_verilog(uut.as_ref()))
    })
}

/// The product core (one cluster, secp256k1's ROM, K and order): what synthesis and the lint
/// test see.
///
/// # Errors
/// See `cluster_core::secp256k1_images`; or the FieldMul's plan fails.
pub fn secp256k1_verilog() -> Result<String, String> {
    let (rom, k) = crate::vcore::cluster_core::secp256k1_images()?;
    verilog::<1>(SuModulus::secp256k1(), rom, k).map_err(|e| format!("FieldMul plan: {e}"))
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests may panic
mod tests {
    /// The product core passes `verilator --lint-only -Wall` (every warning fatal; the
    /// project's waivers and the FieldMul's `lint.vlt`).
    #[test]
    fn verify_core_verilog_lints_clean() {
        let v = super::secp256k1_verilog().unwrap();
        if let Err(e) =
            crate::vcore::fmul::lint_with_waivers("vcore_verify_core", "verify_core", &v)
        {
            panic!("{e}");
        }
    }
}
