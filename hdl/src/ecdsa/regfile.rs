//! `RegFile64x256`: the engine's register file R0..R63, 64 words of 256 bits, with two
//! registered read ports (with read enable and write-first forwarding) and one synchronous
//! write port.
//!
//! Memory choice: the array is LUTRAM-friendly (asynchronous read of `mem`, which yosys maps
//! to `RAM64M` quad-port LUTRAM), followed by output registers. The read is registered because
//! the sequencer reads operands in its RD stage and uses them in EX; registering them here
//! keeps the LUTRAM read out of the ALU path, and the registered output is also what makes
//! the Verilator model free of false combinational loops (a combinational child output read
//! by the parent's single `always @(*)` block that also drives the child's input is reported as
//! UNOPTFLAT). Write-first: a read of the address written in the same cycle returns the new
//! data, which is the sequencer's EX->RD forwarding. `re` = 0 holds the outputs (the operands
//! of an instruction waiting for ModMul/ModInv). A BRAM version would need 8 BRAM36 (two
//! copies for two read ports, 4 x 72 bits each) for what costs a few hundred LUTs as LUTRAM.
//!
//! rust-hdl workaround: rust-hdl 0.46 has no multi-port asynchronous-read memory, so this is a
//! leaf primitive whose `hdl()` is `Verilog::Custom` (the plain inference template yosys and
//! Verilator both understand) and whose `update()` is the equivalent Rust model for rust-hdl's
//! own simulator. No architecture lives here: it is only the memory array.
//!
//! The array has no reset (LUTRAM cannot be reset); its contents survive between jobs.

use rust_hdl::prelude::*;

/// 64 x 256-bit register file, 2 asynchronous read ports, 1 synchronous write port.
#[derive(LogicBlock)]
pub struct RegFile64x256 {
    pub clock: Signal<In, Clock>,
    /// Write enable (sampled on the rising clock edge).
    pub we: Signal<In, Bit>,
    pub waddr: Signal<In, Bits<6>>,
    pub wdata: Signal<In, Bits<256>>,
    /// Read enable of both ports (sampled on the rising edge).
    pub re: Signal<In, Bit>,
    /// Read port A address and data (registered).
    pub ra: Signal<In, Bits<6>>,
    pub rd_a: Signal<Out, Bits<256>>,
    /// Read port B address and data (registered).
    pub rb: Signal<In, Bits<6>>,
    pub rd_b: Signal<Out, Bits<256>>,
    _mem: Box<Vec<Bits<256>>>,
}

impl Default for RegFile64x256 {
    fn default() -> Self {
        Self {
            clock: Default::default(),
            we: Default::default(),
            re: Default::default(),
            waddr: Default::default(),
            wdata: Default::default(),
            ra: Default::default(),
            rd_a: Default::default(),
            rb: Default::default(),
            rd_b: Default::default(),
            _mem: Box::new(vec![Bits::<256>::default(); 64]),
        }
    }
}

impl Logic for RegFile64x256 {
    fn update(&mut self) {
        if self.clock.pos_edge() {
            let we = self.we.val();
            let wa = self.waddr.val();
            let wd = self.wdata.val();
            if self.re.val() {
                let read = |addr: Bits<6>| {
                    if we && addr == wa {
                        wd
                    } else {
                        self._mem.get(addr.index()).copied().unwrap_or_default()
                    }
                };
                self.rd_a.next = read(self.ra.val());
                self.rd_b.next = read(self.rb.val());
            }
            if we {
                if let Some(w) = self._mem.get_mut(wa.index()) {
                    *w = wd;
                }
            }
        }
    }

    fn connect(&mut self) {
        self.rd_a.connect();
        self.rd_b.connect();
    }

    fn hdl(&self) -> Verilog {
        Verilog::Custom(
            "\
reg [255:0] mem [0:63];

always @(posedge clock) begin
   if (we) begin
      mem[waddr] <= wdata;
   end
   if (re) begin
      rd_a <= (we && (waddr == ra)) ? wdata : mem[ra];
      rd_b <= (we && (waddr == rb)) ? wdata : mem[rb];
   end
end
"
            .into(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regfile_generates_verilog() {
        let mut uut = RegFile64x256::default();
        uut.connect_all();
        let v = generate_verilog(&uut);
        assert!(v.contains("reg [255:0] mem [0:63];"));
        assert!(v.contains("output reg [255:0] rd_a;"));
    }
}
