//! The logic of `VerifyRing` (state and interface in `ring.rs`).
//!
//! Timing: every path is one short carry chain (<= 29 bits, on registered operands) plus a few
//! LUT levels. The fetch decision and the burst length read only registered conditions; those
//! registers are recomputed every clock and `fcool` / `wcool` hold off the next decision until
//! they reflect the last change of `jf` / `rs` (a slot takes >= 22 clocks, a burst >= 3, so
//! this costs nothing).
use rust_hdl::prelude::*;

use super::VerifyRing;

impl Logic for VerifyRing {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(
            self, clock, en1, en2, en3, jmask, rmask, jlog_ok, rlog_ok, jal_ok, ral_ok, jend_c,
            rend_c, jbad, rbad, err_q, err_code_q, err_resp_q, err_slot_q, whalt, f_st, jf, jt,
            slot_hi, cur_hi, cd, pubq, fcool, ar_valid, ar_addr, ar_len, ar_beats, rpend, rdrain,
            bcnt, slot_err, slot_resp, h_tag, h_kind, h_prefix, h_bad, jv, bv, wav, av4, p1, p2,
            rs, rh, roff, whi, lim, wh, wcool, wbusy, lq, aw_valid, aw_addr, aw_len, wact, wcnt,
            bl, bidx, wdrain, rne
        );
        for i in 0..5 {
            self.vals[i].clock.next = self.clock.val();
            self.vals[i].d.next = self.vals[i].q.val();
        }
        clock!(self, clock, rq);

        // ---- configuration checks: registered, two stages ----
        self.en1.d.next = self.enable.val();
        self.en2.d.next = self.en1.q.val();
        self.en3.d.next = self.en2.q.val();
        self.jmask.d.next = !(self.ones16.val() << self.job_log2.val());
        self.rmask.d.next = !(self.ones16.val() << self.res_log2.val());
        self.jlog_ok.d.next = self.job_log2.val().any() & (self.job_log2.val() <= self.c16_5.val());
        self.rlog_ok.d.next = self.res_log2.val().any() & (self.res_log2.val() <= self.c16_5.val());
        self.jal_ok.d.next = !self.job_base.val().get_bits::<8>(0).any();
        self.ral_ok.d.next = !self.res_base.val().get_bits::<3>(0).any();
        // base + mask carries out of the address (the ring passes 2^32) iff base > !mask.
        self.jm_ext.inp.next = self.jmask.q.val();
        self.jend_c.d.next =
            self.job_base.val().get_bits::<24>(8) > (self.ones24.val() ^ self.jm_ext.out.val());
        self.rm_ext.inp.next = self.rmask.q.val();
        self.rend_c.d.next =
            self.res_base.val().get_bits::<29>(3) > (self.ones29.val() ^ self.rm_ext.out.val());
        self.jbad.d.next = !self.jlog_ok.q.val() | !self.jal_ok.q.val() | self.jend_c.q.val();
        self.rbad.d.next = !self.rlog_ok.q.val() | !self.ral_ok.q.val() | self.rend_c.q.val();
        self.run.next =
            self.en3.q.val() & !self.err_q.q.val() & !self.jbad.q.val() & !self.rbad.q.val();
        if self.en3.q.val() & !self.err_q.q.val() & (self.jbad.q.val() | self.rbad.q.val()) {
            self.err_q.d.next = true;
            self.err_resp_q.d.next = self.zero2.val();
            self.err_slot_q.d.next = self.zero16.val();
            if self.jbad.q.val() {
                self.err_code_q.d.next = self.e_badjob.val();
            } else {
                self.err_code_q.d.next = self.e_badres.val();
                self.whalt.d.next = true;
            }
        }

        // ---- fetch: decision on registered conditions ----
        self.jfm_ext.inp.next = self.jf.q.val() & self.jmask.q.val();
        self.slot_hi.d.next = self.job_base.val().get_bits::<24>(8) + self.jfm_ext.out.val();
        self.cd.d.next = self.jf.q.val() - self.res_tail.val();
        self.pubq.d.next = self.jf.q.val() != self.job_head.val();
        self.cdm.next = self.cd.q.val() & !self.rmask.q.val();
        self.cred_ok.next = !self.cdm.val().any() & !self.cd.q.val().all();
        if self.fcool.q.val().any() {
            self.fcool.d.next = self.fcool.q.val() - self.c1_2.val();
        }
        self.start.next = self.run.val()
            & !self.rdrain.q.val()
            & !self.f_st.q.val().any()
            & !self.fcool.q.val().any()
            & !self.jv.q.val()
            & !self.bv.q.val()
            & self.pubq.q.val()
            & self.cred_ok.val();

        // ---- AR channel: two bursts per slot (16 beats at +0, 5 beats at +128) ----
        self.ar_hs.next = self.ar_valid.q.val() & self.m_axi_arready.val();
        if self.ar_hs.val() {
            self.ar_valid.d.next = false;
        }
        self.sa_ext.inp.next = self.slot_hi.q.val();
        self.ca_ext.inp.next = self.cur_hi.q.val();
        if self.start.val() {
            self.ar_valid.d.next = true;
            self.ar_addr.d.next = self.sa_ext.out.val() << 8;
            self.ar_len.d.next = self.c15_8.val();
            self.ar_beats.d.next = self.c16_5.val();
            self.cur_hi.d.next = self.slot_hi.q.val();
            self.jf.d.next = self.jf.q.val() + self.c1_16.val();
            self.f_st.d.next = self.st_a.val();
            self.fcool.d.next = self.c3_2.val();
            self.bcnt.d.next = self.zero5.val();
            self.slot_err.d.next = false;
        }
        if (self.f_st.q.val() == self.st_a.val()) & self.ar_hs.val() {
            self.ar_valid.d.next = true;
            self.ar_addr.d.next = (self.ca_ext.out.val() << 8) | self.c128_32.val();
            self.ar_len.d.next = self.c4_8.val();
            self.ar_beats.d.next = self.c5_5.val();
            self.f_st.d.next = self.st_b.val();
        }
        if (self.f_st.q.val() == self.st_b.val()) & self.ar_hs.val() {
            self.f_st.d.next = self.st_r.val();
        }
        self.m_axi_arvalid.next = self.ar_valid.q.val();
        self.m_axi_araddr.next = self.ar_addr.q.val();
        self.m_axi_arlen.next = self.ar_len.q.val();

        // ---- R channel: always ready; beats requested and not received ----
        self.m_axi_rready.next = true;
        self.rp_add.next = self.rpend.q.val();
        if self.ar_hs.val() {
            self.rp_add.next = self.rpend.q.val() + self.ar_beats.q.val();
        }
        self.rpend.d.next = self.rp_add.val();
        if self.m_axi_rvalid.val() {
            self.rpend.d.next = self.rp_add.val() - self.c1_5.val();
        }
        if self.rdrain.q.val() & !self.rpend.q.val().any() & !self.ar_valid.q.val() {
            self.rdrain.d.next = false;
        }

        // ---- slot assembly: beat 0 = header (little-endian), beats 1..20 = values ----
        self.beat.next = self.m_axi_rvalid.val() & !self.rdrain.q.val();
        self.resp_bad.next = self.m_axi_rresp.val().any();
        self.resp_sel.next = self.m_axi_rresp.val();
        if self.slot_err.q.val() {
            self.resp_sel.next = self.slot_resp.q.val();
        }
        self.swap_ext.inp.next = self.m_axi_rdata.val();
        self.z_ext.inp.next = self.vals[1].q.val().get_bits::<64>(192);
        self.r_ext.inp.next = self.vals[2].q.val().get_bits::<64>(192);
        self.s_ext.inp.next = self.vals[3].q.val().get_bits::<64>(192);
        self.qx_ext.inp.next = self.vals[4].q.val().get_bits::<64>(192);
        self.qy_ext.inp.next = self.swap_ext.out.val();
        if self.beat.val() {
            self.bcnt.d.next = self.bcnt.q.val() + self.c1_5.val();
            if self.bcnt.q.val().any() {
                self.vals[0].d.next = (self.vals[0].q.val() << 64) | self.z_ext.out.val();
                self.vals[1].d.next = (self.vals[1].q.val() << 64) | self.r_ext.out.val();
                self.vals[2].d.next = (self.vals[2].q.val() << 64) | self.s_ext.out.val();
                self.vals[3].d.next = (self.vals[3].q.val() << 64) | self.qx_ext.out.val();
                self.vals[4].d.next = (self.vals[4].q.val() << 64) | self.qy_ext.out.val();
            } else {
                self.h_tag.d.next = self.m_axi_rdata.val().get_bits::<16>(0);
                self.h_kind.d.next = self.m_axi_rdata.val().get_bit(16);
                self.h_prefix.d.next = self.m_axi_rdata.val().get_bits::<8>(24);
                self.h_bad.d.next = self.m_axi_rdata.val().get_bit(17)
                    | self.m_axi_rdata.val().get_bits::<6>(18).any()
                    | self.m_axi_rdata.val().get_bits::<32>(32).any();
            }
            if self.resp_bad.val() & !self.slot_err.q.val() {
                self.slot_err.d.next = true;
                self.slot_resp.d.next = self.m_axi_rresp.val();
            }
            if self.bcnt.q.val() == self.c20_5.val() {
                self.bcnt.d.next = self.zero5.val();
                self.f_st.d.next = self.zero2.val();
                if self.slot_err.q.val() | self.resp_bad.val() {
                    // The slot stays unconsumed (job_tail points at it); fetching stops.
                    if !self.err_q.q.val() {
                        self.err_q.d.next = true;
                        self.err_code_q.d.next = self.e_read.val();
                        self.err_resp_q.d.next = self.resp_sel.val();
                        self.err_slot_q.d.next = self.jt.q.val();
                    }
                } else {
                    self.jt.d.next = self.jt.q.val() + self.c1_16.val();
                    if self.h_bad.q.val() {
                        self.bv.d.next = true;
                    } else {
                        self.jv.d.next = true;
                    }
                }
            }
        }
        // Job port.
        if self.jv.q.val() & self.job_ready.val() {
            self.jv.d.next = false;
        }
        self.job_valid.next = self.jv.q.val();
        self.job_kind.next = self.h_kind.q.val();
        self.job_tag.next = self.h_tag.q.val();
        self.job_prefix.next = self.h_prefix.q.val();
        self.job_z.next = self.vals[0].q.val();
        self.job_r.next = self.vals[1].q.val();
        self.job_s.next = self.vals[2].q.val();
        self.job_qx.next = self.vals[3].q.val();
        self.job_qy.next = self.vals[4].q.val();

        // ---- results into the FIFO (a malformed slot's result first) ----
        self.wdrop.next =
            self.whalt.q.val() | self.wdrain.q.val() | self.soft_reset.val() | self.axi_reset.val();
        self.verdict_ready.next = self.wdrop.val() | (!self.rq.full.val() & !self.bv.q.val());
        self.push.next =
            !self.wdrop.val() & !self.rq.full.val() & (self.bv.q.val() | self.verdict_valid.val());
        self.sel_tag.next = self.verdict_tag.val();
        self.sel_code.next = self.verdict_code.val();
        self.sel_cyc.next = self.verdict_cycles.val();
        if self.bv.q.val() {
            self.sel_tag.next = self.h_tag.q.val();
            self.sel_code.next = self.c_badjob.val();
            self.sel_cyc.next = self.zero32.val();
            if self.wdrop.val() | !self.rq.full.val() {
                self.bv.d.next = false;
            }
        }
        self.tag_ext.inp.next = self.sel_tag.val();
        self.code_ext.inp.next = self.sel_code.val();
        self.cyc_ext.inp.next = self.sel_cyc.val();
        self.rq.data_in.next = self.tag_ext.out.val()
            | (self.code_ext.out.val() << 16)
            | (self.cyc_ext.out.val() << 32);
        self.rq.write.next = self.push.val();
        self.p1.d.next = self.push.val();
        self.p2.d.next = self.p1.q.val();

        // ---- write bursts: precomputed from `rs`, launched on registered values ----
        self.roff.d.next = self.rs.q.val() & self.rmask.q.val();
        self.ro_ext.inp.next = self.roff.q.val();
        self.whi.d.next = self.res_base.val().get_bits::<29>(3) + self.ro_ext.out.val();
        // Entries to the ring's end - 1 = mask - off = mask ^ off; to the 4 KiB boundary - 1 =
        // 511 - addr[11:3] = !addr[11:3]; both saturated at 15.
        self.wrap_m1.next = self.rmask.q.val() ^ self.roff.q.val();
        self.wrap4.next = self.wrap_m1.val().get_bits::<4>(0);
        if self.wrap_m1.val().get_bits::<12>(4).any() {
            self.wrap4.next = self.c15_4.val();
        }
        self.pg.next = !self.whi.q.val().get_bits::<9>(0);
        self.page4.next = self.pg.val().get_bits::<4>(0);
        if self.pg.val().get_bits::<5>(4).any() {
            self.page4.next = self.c15_4.val();
        }
        self.lim.d.next = self.wrap4.val();
        if self.page4.val() < self.wrap4.val() {
            self.lim.d.next = self.page4.val();
        }
        self.av4.d.next = self.wav.q.val().get_bits::<4>(0) - self.c1_4.val();
        self.m2.next = self.av4.q.val();
        if self.lim.q.val() < self.av4.q.val() {
            self.m2.next = self.lim.q.val();
        }
        if self.wav.q.val().any() {
            if self.wh.q.val() != self.c_hold.val() {
                self.wh.d.next = self.wh.q.val() + self.c1_2.val();
            }
        } else {
            self.wh.d.next = self.zero2.val();
        }
        if self.wcool.q.val().any() {
            self.wcool.d.next = self.wcool.q.val() - self.c1_3.val();
        }
        self.launch.next = !self.wbusy.q.val()
            & !self.wdrop.val()
            & !self.wcool.q.val().any()
            & self.wav.q.val().any()
            & ((self.wh.q.val() == self.c_hold.val()) | self.wav.q.val().get_bit(4));
        self.bl_ext.inp.next = self.m2.val();
        self.wa_ext.inp.next = self.whi.q.val();
        self.lq.d.next = self.launch.val();
        // AW (registered; held until AWREADY).
        if self.aw_valid.q.val() & self.m_axi_awready.val() {
            self.aw_valid.d.next = false;
        }
        if self.launch.val() {
            self.wbusy.d.next = true;
            self.aw_valid.d.next = true;
            self.aw_addr.d.next = self.wa_ext.out.val() << 3;
            self.aw_len.d.next = self.m2.val();
            self.wact.d.next = true;
            self.wcnt.d.next = self.m2.val();
            self.bl.d.next = self.bl_ext.out.val() + self.c1_5.val();
            self.bidx.d.next = self.rs.q.val();
            self.wh.d.next = self.zero2.val();
            self.wcool.d.next = self.c7_3.val();
        }
        // The clock after a launch: the entries leave `wav`, `rs` moves past the burst.
        self.bq_ext.inp.next = self.bl.q.val();
        self.wsub.next = self.wav.q.val();
        if self.lq.q.val() {
            self.wsub.next = self.wav.q.val() - self.bl.q.val();
            self.rs.d.next = self.rs.q.val() + self.bq_ext.out.val();
        }
        self.wav.d.next = self.wsub.val();
        if self.p2.q.val() {
            self.wav.d.next = self.wsub.val() + self.c1_5.val();
        }
        self.m_axi_awvalid.next = self.aw_valid.q.val();
        self.m_axi_awaddr.next = self.aw_addr.q.val();
        self.al_ext.inp.next = self.aw_len.q.val();
        self.m_axi_awlen.next = self.al_ext.out.val();
        // W: the FIFO head, one beat per clock while the FIFO shows data.
        self.wvalid.next = self.wact.q.val() & !self.rq.empty.val();
        self.m_axi_wvalid.next = self.wvalid.val();
        self.m_axi_wdata.next = self.rq.data_out.val();
        self.m_axi_wstrb.next = self.ff8.val();
        self.m_axi_wlast.next = !self.wcnt.q.val().any();
        self.rq.read.next = self.wvalid.val() & self.m_axi_wready.val();
        if self.wvalid.val() & self.m_axi_wready.val() {
            if self.wcnt.q.val().any() {
                self.wcnt.d.next = self.wcnt.q.val() - self.c1_4.val();
            } else {
                self.wact.d.next = false;
            }
        }
        // B: always ready; one burst in flight.
        self.m_axi_bready.next = true;
        if self.m_axi_bvalid.val() & self.wbusy.q.val() {
            self.wbusy.d.next = false;
            if !self.wdrain.q.val() {
                if self.m_axi_bresp.val().any() {
                    self.whalt.d.next = true;
                    if !self.err_q.q.val() {
                        self.err_q.d.next = true;
                        self.err_code_q.d.next = self.e_write.val();
                        self.err_resp_q.d.next = self.m_axi_bresp.val();
                        self.err_slot_q.d.next = self.bidx.q.val();
                    }
                } else {
                    self.rh.d.next = self.rh.q.val() + self.bq_ext.out.val();
                }
            }
        }
        self.rne.d.next = self.rh.q.val() != self.res_tail.val();

        // ---- status ----
        self.job_tail.next = self.jt.q.val();
        self.res_head.next = self.rh.q.val();
        self.res_nonempty.next = self.rne.q.val();
        self.err.next = self.err_q.q.val();
        self.err_code.next = self.err_code_q.q.val();
        self.err_resp.next = self.err_resp_q.q.val();
        self.err_slot.next = self.err_slot_q.q.val();
        self.busy.next = self.rdrain.q.val()
            | self.ar_valid.q.val()
            | self.rpend.q.val().any()
            | self.f_st.q.val().any()
            | self.wbusy.q.val()
            | self.wdrain.q.val();

        // ---- resets ----
        // A write burst still open (its W beats or its B to come) is finished before the
        // FIFO is flushed: the FIFO holds its data.
        self.burst_open.next = self.wbusy.q.val() & !self.m_axi_bvalid.val();
        self.rq.reset.next = self.axi_reset.val();
        if (self.soft_reset.val() | self.wdrain.q.val()) & !self.burst_open.val() {
            self.rq.reset.next = true;
            self.wdrain.d.next = false;
        }
        if self.soft_reset.val() | self.axi_reset.val() {
            // Read side: an AR being presented stays until accepted; beats are drained.
            self.ar_valid.d.next = self.ar_valid.q.val() & !self.m_axi_arready.val();
            self.rdrain.d.next = true;
            self.f_st.d.next = self.zero2.val();
            self.jf.d.next = self.zero16.val();
            self.jt.d.next = self.zero16.val();
            self.bcnt.d.next = self.zero5.val();
            self.slot_err.d.next = false;
            self.jv.d.next = false;
            self.bv.d.next = false;
            self.fcool.d.next = self.c3_2.val();
            // Write side: a burst in flight completes, its response is ignored.
            if self.burst_open.val() {
                self.wdrain.d.next = true;
            }
            self.rs.d.next = self.zero16.val();
            self.rh.d.next = self.zero16.val();
            self.wav.d.next = self.zero5.val();
            self.p1.d.next = false;
            self.p2.d.next = false;
            self.wh.d.next = self.zero2.val();
            self.wcool.d.next = self.c7_3.val();
            self.lq.d.next = false;
            // The configuration check restarts: an `enable` dropped with the pulse (or in the
            // clocks before it) must not re-raise the error it had raised.
            self.en1.d.next = false;
            self.en2.d.next = false;
            self.en3.d.next = false;
            // Errors.
            self.err_q.d.next = false;
            self.err_code_q.d.next = self.zero3.val();
            self.err_resp_q.d.next = self.zero2.val();
            self.err_slot_q.d.next = self.zero16.val();
            self.whalt.d.next = false;
        }
        if self.axi_reset.val() {
            self.ar_valid.d.next = false;
            self.rpend.d.next = self.zero5.val();
            self.rdrain.d.next = false;
            self.aw_valid.d.next = false;
            self.wact.d.next = false;
            self.wcnt.d.next = self.zero4.val();
            self.wbusy.d.next = false;
            self.wdrain.d.next = false;
        }
    }
}
