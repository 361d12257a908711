//! Unit tests of the ECDSA engine ISA (`isa.rs`), in a file of their own.

use super::*;

#[test]
fn isa_encode_fields_match_isa_md() {
    // MULP R3, R1, C5+I  -> op 1, d 3, a 1, b 69, ib
    let w = Op::MulP {
        d: 3,
        a: Src::r(1),
        b: Src::c(5).idx(),
    }
    .encode()
    .unwrap();
    assert_eq!(w >> 27, 1);
    assert_eq!((w >> 21) & 63, 3);
    assert_eq!((w >> 14) & 127, 1);
    assert_eq!((w >> 7) & 127, 69);
    assert_eq!((w >> 6) & 1, 0);
    assert_eq!((w >> 5) & 1, 1);
    let w = Op::Br {
        cond: Cond::Nwz,
        target: 1000,
    }
    .encode()
    .unwrap();
    assert_eq!(w, (16 << 27) | (9 << 23) | 1000);
    let w = Op::Win {
        a: Src::r(7),
        stride: 3,
    }
    .encode()
    .unwrap();
    assert_eq!(w, (12 << 27) | (7 << 14) | 3);
    assert_eq!(Op::Halt { code: 4 }.encode().unwrap(), (17 << 27) | 4);
    assert_eq!(Op::Ldlc { imm: 63 }.encode().unwrap(), (13 << 27) | 63);
}

#[test]
fn isa_roundtrip_every_canonical_word_class() {
    let mut n = 0;
    // All opcodes x sample fields: decode(encode(op)) == op and encode(decode(w)) == w.
    for w in (0u32..=u32::MAX).step_by(65_537) {
        match Op::decode(w) {
            Ok(op) => {
                let c = op.encode().unwrap();
                assert_eq!(Op::decode(c).unwrap(), op, "word {w:#x}");
                // Canonical: re-encoding a canonical word is the identity.
                assert_eq!(op.encode().unwrap(), c);
                n += 1;
            }
            Err(DecodeError::IllegalOpcode { opcode, .. }) => {
                assert!(opcode >= 18 || opcode == 5 || opcode == 6)
            }
            Err(DecodeError::IllegalCond { cond, .. }) => {
                assert_eq!(w >> 27, 16);
                assert!(cond >= 10)
            }
        }
    }
    assert!(n > 10_000);
}

#[test]
fn isa_illegal_encodings_are_errors() {
    for op in [5u32, 6].into_iter().chain(18u32..32) {
        assert!(matches!(
            Op::decode(op << 27),
            Err(DecodeError::IllegalOpcode { .. })
        ));
    }
    for c in 10u32..16 {
        assert!(matches!(
            Op::decode((16 << 27) | (c << 23)),
            Err(DecodeError::IllegalCond { .. })
        ));
    }
    assert_eq!(
        Op::Mov {
            d: 64,
            a: Src::r(0)
        }
        .encode(),
        Err(EncodeError::Dest(64))
    );
    assert_eq!(
        Op::Jmp { target: 1024 }.encode(),
        Err(EncodeError::Target(1024))
    );
    assert_eq!(Op::Halt { code: 16 }.encode(), Err(EncodeError::Code(16)));
    assert_eq!(
        Op::Win {
            a: Src::r(0),
            stride: 4
        }
        .encode(),
        Err(EncodeError::Stride(4))
    );
    assert_eq!(
        Op::Odd {
            a: Src {
                addr: 128,
                indexed: false
            }
        }
        .encode(),
        Err(EncodeError::Operand(128))
    );
}
