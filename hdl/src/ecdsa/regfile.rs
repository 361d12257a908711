//! `OperandStore`: the engine's operand memory, 128 words of 256 bits — the register file
//! R0..R63 (words 0..63, written by the sequencer and the host load port) and the constant ROM
//! C0..C63 (words 64..127, initial contents from `consts.rs`, never written: the write address
//! is 6 bits) — with two registered read ports and one write port.
//!
//! Memory choice (measured, README-rtl.md): the first version was a 64 x 256 LUTRAM
//! register file (172 RAM64M + ~1,000 LUTs of read/forward muxes) plus two 64 x 256 constant
//! ROMs in LUTs (512 LUT6) and a constant/register operand mux (512 LUTs): ~2,700 LUTs of
//! the engine's ~11,800-LUT budget. As block RAM it is 8 RAMB36 (two copies of 4 x 72-bit
//! simple-dual-port slices, one per read port) and the constants come free in the upper half
//! of the same BRAMs, so the operand path has no constant mux at all. BRAM has a registered
//! read, which is what the sequencer's RD -> EX pipeline wants anyway.
//!
//! Read-during-write: the BRAM returns the old word, so forwarding is done here: a read of the
//! word being written in the same cycle returns the new data (`fwd_*` / `wq` registers and a
//! 2:1 mux after the BRAM output). `re` = 0 holds both outputs (the operands of an instruction
//! waiting for ModMul/ModInv).
//!
//! rust-hdl workaround: rust-hdl 0.46 has no multi-port memory with initial contents, so this
//! is a leaf primitive whose `hdl()` is `Verilog::Custom` (the plain inference template yosys
//! and Verilator both understand) and whose `update()` is the equivalent Rust model for
//! rust-hdl's own simulator. It is only the memory array and its forwarding; no architecture.
//! The outputs depend only on registers inside the leaf, so Verilator sees no combinational
//! path through it (no UNOPTFLAT in the parent).

use rust_hdl::prelude::*;

/// 128 x 256-bit operand memory (R0..R63 read/write, C0..C63 read-only), 2 registered read
/// ports with write-first forwarding, 1 write port.
#[derive(LogicBlock)]
pub struct OperandStore {
    pub clock: Signal<In, Clock>,
    /// Write enable (sampled on the rising clock edge); writes R[waddr].
    pub we: Signal<In, Bit>,
    pub waddr: Signal<In, Bits<6>>,
    pub wdata: Signal<In, Bits<256>>,
    /// Read enable of both ports (sampled on the rising edge).
    pub re: Signal<In, Bit>,
    /// Read port A address (0..63 registers, 64..127 constants) and data (registered).
    pub ra: Signal<In, Bits<7>>,
    pub rd_a: Signal<Out, Bits<256>>,
    /// Read port B address and data (registered).
    pub rb: Signal<In, Bits<7>>,
    pub rd_b: Signal<Out, Bits<256>>,
    _mem: Vec<Bits<256>>,
    _out: [Bits<256>; 2],
}

impl OperandStore {
    /// An operand memory with constants `consts` (C0..C63; missing entries are 0).
    pub fn new(consts: &[Bits<256>]) -> Self {
        let mut mem = vec![Bits::<256>::default(); 128];
        for (slot, c) in mem[64..].iter_mut().zip(consts) {
            *slot = *c;
        }
        Self {
            clock: Default::default(),
            we: Default::default(),
            waddr: Default::default(),
            wdata: Default::default(),
            re: Default::default(),
            ra: Default::default(),
            rd_a: Default::default(),
            rb: Default::default(),
            rd_b: Default::default(),
            _mem: mem,
            _out: [Bits::<256>::default(); 2],
        }
    }
}

impl Logic for OperandStore {
    fn update(&mut self) {
        if self.clock.pos_edge() {
            let we = self.we.val();
            let wa = self.waddr.val().index();
            let wd = self.wdata.val();
            if self.re.val() {
                let read = |addr: usize| {
                    if we && addr == wa {
                        wd
                    } else {
                        self._mem.get(addr).copied().unwrap_or_default()
                    }
                };
                let a = read(self.ra.val().index());
                let b = read(self.rb.val().index());
                self._out[0] = a;
                self._out[1] = b;
            }
            if we {
                if let Some(w) = self._mem.get_mut(wa) {
                    *w = wd;
                }
            }
        }
        self.rd_a.next = self._out[0];
        self.rd_b.next = self._out[1];
    }

    fn connect(&mut self) {
        self.rd_a.connect();
        self.rd_b.connect();
    }

    fn hdl(&self) -> Verilog {
        let init = self._mem[64..]
            .iter()
            .enumerate()
            .map(|(i, c)| format!("   mem[{}] = {};", 64 + i, c.verilog()))
            .collect::<Vec<_>>()
            .join("\n");
        Verilog::Custom(format!(
            "\
(* ram_style = \"block\" *) reg [255:0] mem [0:127];
reg [255:0] dout_a;
reg [255:0] dout_b;
reg [255:0] wq;
reg fwd_a;
reg fwd_b;
wire [6:0] wa7 = {{1'b0, waddr}};

initial begin
{init}
end

always @(posedge clock) begin
   if (we) begin
      mem[wa7] <= wdata;
   end
   if (re) begin
      dout_a <= mem[ra];
      dout_b <= mem[rb];
      fwd_a <= we && (ra == wa7);
      fwd_b <= we && (rb == wa7);
      wq <= wdata;
   end
end

always @(*) rd_a = fwd_a ? wq : dout_a;
always @(*) rd_b = fwd_b ? wq : dout_b;
"
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operand_store_generates_verilog_with_constants() {
        let mut uut = OperandStore::new(&[Bits::<256>::from(7u64)]);
        uut.connect_all();
        let v = generate_verilog(&uut);
        assert!(v.contains("reg [255:0] mem [0:127];"));
        assert!(v.contains("mem[64] = 256'h"));
        assert!(v.contains("rd_a = fwd_a ? wq : dout_a;"));
    }
}
