//! Script bytes: opcode iteration exactly as Bitcoin Core's `GetScriptOp`, push building,
//! `FindAndDelete`, and the standard templates the signature-job extractor recognizes.

use crate::prelude::*;

pub const OP_0: u8 = 0x00;
pub const OP_PUSHDATA1: u8 = 0x4c;
pub const OP_PUSHDATA2: u8 = 0x4d;
pub const OP_PUSHDATA4: u8 = 0x4e;
pub const OP_1NEGATE: u8 = 0x4f;
pub const OP_1: u8 = 0x51;
pub const OP_16: u8 = 0x60;
pub const OP_DUP: u8 = 0x76;
pub const OP_EQUAL: u8 = 0x87;
pub const OP_EQUALVERIFY: u8 = 0x88;
pub const OP_HASH160: u8 = 0xa9;
pub const OP_CODESEPARATOR: u8 = 0xab;
pub const OP_CHECKSIG: u8 = 0xac;
pub const OP_CHECKSIGVERIFY: u8 = 0xad;
pub const OP_CHECKMULTISIG: u8 = 0xae;
pub const OP_CHECKMULTISIGVERIFY: u8 = 0xaf;
pub const OP_RETURN: u8 = 0x6a;
/// Qtum: contract creation.
pub const OP_CREATE: u8 = 0xc1;
/// Qtum: contract call.
pub const OP_CALL: u8 = 0xc2;
/// Qtum: spend of a contract-owned output (condensing transaction).
pub const OP_SPEND: u8 = 0xc3;
/// Qtum: `OP_SENDER` (an output naming the contract call's sender).
pub const OP_SENDER: u8 = 0xc4;

/// One decoded operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Op<'a> {
    pub opcode: u8,
    /// The pushed bytes for push opcodes (0x00..=0x4e).
    pub push: Option<&'a [u8]>,
}

/// Core's `GetScriptOp`: decodes the op at `*pc` and advances `*pc`. On failure returns
/// `None` with `*pc` advanced exactly as far as Core's iterator goes (this matters for the
/// legacy sighash's script-code serialization of malformed scripts).
pub fn get_op<'a>(script: &'a [u8], pc: &mut usize) -> Option<Op<'a>> {
    let end = script.len();
    if *pc >= end {
        return None;
    }
    let opcode = *script.get(*pc)?;
    *pc += 1;
    if opcode <= OP_PUSHDATA4 {
        let size: usize = if opcode < OP_PUSHDATA1 {
            opcode as usize
        } else if opcode == OP_PUSHDATA1 {
            let b = *script.get(*pc)?;
            *pc += 1;
            b as usize
        } else if opcode == OP_PUSHDATA2 {
            let b = script.get(*pc..*pc + 2)?;
            *pc += 2;
            u16::from_le_bytes([b[0], b[1]]) as usize
        } else {
            let b = script.get(*pc..*pc + 4)?;
            *pc += 4;
            usize::try_from(u32::from_le_bytes([b[0], b[1], b[2], b[3]])).ok()?
        };
        if end - *pc < size {
            return None;
        }
        let data = script.get(*pc..*pc + size)?;
        *pc += size;
        return Some(Op {
            opcode,
            push: Some(data),
        });
    }
    Some(Op { opcode, push: None })
}

/// Iterator over a script's ops; yields `Err(offset)` once if the script is malformed.
#[derive(Debug, Clone)]
pub struct Ops<'a> {
    script: &'a [u8],
    pc: usize,
    done: bool,
}

impl<'a> Ops<'a> {
    pub fn new(script: &'a [u8]) -> Self {
        Ops {
            script,
            pc: 0,
            done: false,
        }
    }
}

impl<'a> Iterator for Ops<'a> {
    type Item = Result<Op<'a>, usize>;
    fn next(&mut self) -> Option<Self::Item> {
        if self.done || self.pc >= self.script.len() {
            return None;
        }
        let at = self.pc;
        match get_op(self.script, &mut self.pc) {
            Some(op) => Some(Ok(op)),
            None => {
                self.done = true;
                Some(Err(at))
            }
        }
    }
}

/// The pushes of a push-only script (`OP_0`..`OP_16`, `OP_1NEGATE` and data pushes), or `None`
/// if it contains any other opcode or is malformed. Small-number opcodes yield their
/// script-number encoding, as the interpreter would push it.
pub fn push_only(script: &[u8]) -> Option<Vec<Vec<u8>>> {
    let mut out = Vec::new();
    for op in Ops::new(script) {
        let op = op.ok()?;
        match (op.opcode, op.push) {
            (_, Some(d)) => out.push(d.to_vec()),
            (OP_1NEGATE, None) => out.push(vec![0x81]),
            (o, None) if (OP_1..=OP_16).contains(&o) => out.push(vec![o - OP_1 + 1]),
            _ => return None,
        }
    }
    Some(out)
}

/// The canonical push of `data` (`CScript() << data` in Core).
#[allow(clippy::cast_possible_truncation)] // every cast is guarded by a range check
pub fn push_data(data: &[u8]) -> Vec<u8> {
    let mut v = Vec::with_capacity(data.len() + 5);
    let n = data.len();
    if n < OP_PUSHDATA1 as usize {
        v.push(n as u8);
    } else if n <= 0xff {
        v.push(OP_PUSHDATA1);
        v.push(n as u8);
    } else if n <= 0xffff {
        v.push(OP_PUSHDATA2);
        v.extend_from_slice(&(n as u16).to_le_bytes());
    } else {
        v.push(OP_PUSHDATA4);
        v.extend_from_slice(&(n as u32).to_le_bytes());
    }
    v.extend_from_slice(data);
    v
}

/// Core's `FindAndDelete(script, b)`: removes every occurrence of `b` that starts at an
/// opcode boundary (matches may repeat back to back). Returns the number removed.
pub fn find_and_delete(script: &mut Vec<u8>, b: &[u8]) -> usize {
    if b.is_empty() {
        return 0;
    }
    let mut found = 0usize;
    let mut result: Vec<u8> = Vec::with_capacity(script.len());
    let end = script.len();
    let mut pc = 0usize;
    let mut pc2 = 0usize;
    loop {
        result.extend_from_slice(script.get(pc2..pc).unwrap_or(&[]));
        while end - pc >= b.len() && script.get(pc..pc + b.len()) == Some(b) {
            pc += b.len();
            found += 1;
        }
        pc2 = pc;
        if get_op(script, &mut pc).is_none() {
            break;
        }
    }
    if found > 0 {
        result.extend_from_slice(script.get(pc2..end).unwrap_or(&[]));
        *script = result;
    }
    found
}

/// Decodes a minimal-or-not script number of at most `max_len` bytes (Core's `CScriptNum`
/// without the minimality requirement).
pub fn script_num(bytes: &[u8], max_len: usize) -> Option<i64> {
    if bytes.len() > max_len || bytes.len() > 8 {
        return None;
    }
    if bytes.is_empty() {
        return Some(0);
    }
    let mut v: i64 = 0;
    for (i, b) in bytes.iter().enumerate() {
        v |= i64::from(*b) << (8 * i);
    }
    let last = bytes[bytes.len() - 1];
    if last & 0x80 != 0 {
        let mask = !(0x80i64 << (8 * (bytes.len() - 1)));
        return Some(-(v & mask));
    }
    Some(v)
}

/// `CScript() << n` for a non-negative number, as Core writes a block height into the
/// coinbase (BIP34): `OP_0`, `OP_1`..`OP_16`, else the minimal little-endian script number.
#[allow(clippy::cast_possible_truncation)] // masked to a byte; heights 1..=16 fit a u8
pub fn height_push(n: u32) -> Vec<u8> {
    match n {
        0 => vec![OP_0],
        1..=16 => vec![OP_1 + (n as u8) - 1],
        _ => {
            let mut num = Vec::with_capacity(5);
            let mut v = n;
            while v > 0 {
                num.push((v & 0xff) as u8);
                v >>= 8;
            }
            if num.last().is_some_and(|b| b & 0x80 != 0) {
                num.push(0);
            }
            push_data(&num)
        }
    }
}

/// `OP_DUP OP_HASH160 <20> OP_EQUALVERIFY OP_CHECKSIG`.
pub fn p2pkh_script_pubkey(h: &[u8; 20]) -> Vec<u8> {
    let mut v = vec![OP_DUP, OP_HASH160, 20];
    v.extend_from_slice(h);
    v.push(OP_EQUALVERIFY);
    v.push(OP_CHECKSIG);
    v
}

/// `OP_HASH160 <20> OP_EQUAL`.
pub fn p2sh_script_pubkey(h: &[u8; 20]) -> Vec<u8> {
    let mut v = vec![OP_HASH160, 20];
    v.extend_from_slice(h);
    v.push(OP_EQUAL);
    v
}

/// `OP_0 <20>`.
pub fn p2wpkh_script_pubkey(h: &[u8; 20]) -> Vec<u8> {
    let mut v = vec![OP_0, 20];
    v.extend_from_slice(h);
    v
}

/// `<pubkey> OP_CHECKSIG`.
pub fn p2pk_script_pubkey(pubkey: &[u8]) -> Vec<u8> {
    let mut v = push_data(pubkey);
    v.push(OP_CHECKSIG);
    v
}

/// `OP_m <pk>... OP_n OP_CHECKMULTISIG`. `None` unless `1 <= m <= n <= 16`.
#[allow(clippy::cast_possible_truncation)] // every cast is guarded by a range check
pub fn multisig_redeem(m: usize, pubkeys: &[&[u8]]) -> Option<Vec<u8>> {
    let n = pubkeys.len();
    if m == 0 || m > n || n > 16 {
        return None;
    }
    let mut v = vec![OP_1 + (m as u8) - 1];
    for pk in pubkeys {
        v.extend_from_slice(&push_data(pk));
    }
    v.push(OP_1 + (n as u8) - 1);
    v.push(OP_CHECKMULTISIG);
    Some(v)
}

/// Script templates of a scriptPubKey (or redeem / witness script).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Template<'a> {
    P2pkh([u8; 20]),
    P2sh([u8; 20]),
    P2wpkh([u8; 20]),
    P2wsh([u8; 32]),
    P2pk(&'a [u8]),
    Multisig { m: usize, keys: Vec<&'a [u8]> },
    Unknown,
}

fn small_int(op: u8) -> Option<usize> {
    if (OP_1..=OP_16).contains(&op) {
        Some((op - OP_1 + 1) as usize)
    } else {
        None
    }
}

/// Classifies a script by its exact standard shape.
pub fn classify(s: &[u8]) -> Template<'_> {
    if s.len() == 25
        && s[0] == OP_DUP
        && s[1] == OP_HASH160
        && s[2] == 20
        && s[23] == OP_EQUALVERIFY
        && s[24] == OP_CHECKSIG
    {
        let mut h = [0u8; 20];
        h.copy_from_slice(&s[3..23]);
        return Template::P2pkh(h);
    }
    if s.len() == 23 && s[0] == OP_HASH160 && s[1] == 20 && s[22] == OP_EQUAL {
        let mut h = [0u8; 20];
        h.copy_from_slice(&s[2..22]);
        return Template::P2sh(h);
    }
    if s.len() == 22 && s[0] == OP_0 && s[1] == 20 {
        let mut h = [0u8; 20];
        h.copy_from_slice(&s[2..22]);
        return Template::P2wpkh(h);
    }
    if s.len() == 34 && s[0] == OP_0 && s[1] == 32 {
        let mut h = [0u8; 32];
        h.copy_from_slice(&s[2..34]);
        return Template::P2wsh(h);
    }
    if (s.len() == 35 && s[0] == 33 || s.len() == 67 && s[0] == 65) && s[s.len() - 1] == OP_CHECKSIG
    {
        return Template::P2pk(&s[1..s.len() - 1]);
    }
    if let Some(t) = classify_multisig(s) {
        return t;
    }
    Template::Unknown
}

#[allow(clippy::cast_possible_truncation)] // every cast is guarded by a range check
fn classify_multisig(s: &[u8]) -> Option<Template<'_>> {
    let ops: Vec<Op<'_>> = Ops::new(s).collect::<Result<_, _>>().ok()?;
    if ops.len() < 4 {
        return None;
    }
    let m = small_int(ops.first()?.opcode)?;
    let last = ops.last()?;
    if last.opcode != OP_CHECKMULTISIG {
        return None;
    }
    let n = small_int(ops.get(ops.len() - 2)?.opcode)?;
    let key_ops = ops.get(1..ops.len() - 2)?;
    if key_ops.len() != n || m > n {
        return None;
    }
    let mut keys = Vec::with_capacity(n);
    for k in key_ops {
        match k.push {
            Some(d) if (d.len() == 33 || d.len() == 65) && k.opcode == d.len() as u8 => {
                keys.push(d)
            }
            _ => return None,
        }
    }
    Some(Template::Multisig { m, keys })
}

/// Does `b` look like a public key (SEC1 length and prefix)? Does not check the curve.
pub fn looks_like_pubkey(b: &[u8]) -> bool {
    matches!(
        (b.len(), b.first()),
        (33, Some(0x02 | 0x03)) | (65, Some(0x04 | 0x06 | 0x07))
    )
}

/// Does `b` look like a DER signature plus a hash-type byte (shape only)?
pub fn looks_like_signature(b: &[u8]) -> bool {
    (9..=73).contains(&b.len()) && b.first() == Some(&0x30)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn height_push_is_cscript_shift() {
        // CScript() << n: OP_0, OP_1..OP_16, then minimal script numbers.
        assert_eq!(height_push(0), vec![OP_0]);
        assert_eq!(height_push(1), vec![OP_1]);
        assert_eq!(height_push(16), vec![OP_16]);
        assert_eq!(height_push(17), vec![1, 17]);
        assert_eq!(height_push(128), vec![2, 0x80, 0x00]);
        assert_eq!(height_push(413_567), vec![3, 0x7f, 0x4f, 0x06]);
        assert_eq!(height_push(700_000), vec![3, 0x60, 0xae, 0x0a]);
        assert_eq!(height_push(u32::MAX), vec![5, 0xff, 0xff, 0xff, 0xff, 0x00]);
    }

    #[test]
    fn find_and_delete_core_cases() {
        // Cases from Core's script_tests.cpp script_FindAndDelete.
        let mut s = hex::decode("0302ff030302ff03").unwrap();
        assert_eq!(find_and_delete(&mut s, &[0x02]), 0);
        // Core's odd edge case: strips the push-three prefix, leaving push-two ops.
        assert_eq!(find_and_delete(&mut s, &[0x03]), 2);
        assert_eq!(s, hex::decode("02ff0302ff03").unwrap());
        let mut s = hex::decode("02feed5169").unwrap();
        assert_eq!(find_and_delete(&mut s, &hex::decode("feed51").unwrap()), 0);
        assert_eq!(
            find_and_delete(&mut s, &hex::decode("02feed51").unwrap()),
            1
        );
        assert_eq!(s, vec![0x69]);
        let mut s = hex::decode("0302ff03").unwrap();
        assert_eq!(
            find_and_delete(&mut s, &hex::decode("0302ff03").unwrap()),
            1
        );
        assert!(s.is_empty());
        let mut s = hex::decode("0302ff030302ff03").unwrap();
        assert_eq!(
            find_and_delete(&mut s, &hex::decode("0302ff03").unwrap()),
            2
        );
        assert!(s.is_empty());
        let mut s = hex::decode("02").unwrap(); // PUSH 2 with nothing after: malformed
        assert_eq!(find_and_delete(&mut s, &hex::decode("02").unwrap()), 1);
        // 0xab inside a push is not an opcode boundary
        let mut s = hex::decode("01abab").unwrap();
        assert_eq!(find_and_delete(&mut s, &[0xab]), 1);
        assert_eq!(s, hex::decode("01ab").unwrap());
    }

    #[test]
    fn templates() {
        let h = [9u8; 20];
        assert_eq!(classify(&p2pkh_script_pubkey(&h)), Template::P2pkh(h));
        assert_eq!(classify(&p2sh_script_pubkey(&h)), Template::P2sh(h));
        assert_eq!(classify(&p2wpkh_script_pubkey(&h)), Template::P2wpkh(h));
        let k1 = [2u8; 33];
        let k2 = [4u8; 65];
        assert_eq!(classify(&p2pk_script_pubkey(&k1)), Template::P2pk(&k1[..]));
        let ms = multisig_redeem(1, &[&k1, &k2]).unwrap();
        assert_eq!(
            classify(&ms),
            Template::Multisig {
                m: 1,
                keys: vec![&k1[..], &k2[..]]
            }
        );
        assert!(multisig_redeem(3, &[&k1, &k2]).is_none());
    }

    #[test]
    fn script_numbers() {
        assert_eq!(script_num(&[], 4), Some(0));
        assert_eq!(script_num(&[0x81], 4), Some(-1));
        assert_eq!(script_num(&[0x7f, 0x4f, 0x06], 4), Some(413_567));
        assert_eq!(script_num(&[1, 2, 3, 4, 5], 4), None);
    }
}
