//! A small Verilog reader: module names and port lists (direction, width), enough to check that
//! the ports the Vivado wrapper and Tcl expect are the ports the generator emitted.
//!
//! It understands the two styles in this project: rust-hdl's non-ANSI output
//! (`module top(clock,reset,...); input wire [7:0] s_axi_awaddr; ...`) and the ANSI header of the
//! hand-written wrapper (`module w(input wire [7:0] a, output wire b);`). Widths must be numeric
//! (`[msb:lsb]`); anything else is a typed error, not a guess.

/// Port direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum Dir {
    Input,
    Output,
    Inout,
}

/// One port of a module.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Port {
    pub name: String,
    pub dir: Dir,
    pub width: u32,
}

/// One module: its name and ports in header order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Module {
    pub name: String,
    pub ports: Vec<Port>,
}

impl Module {
    pub fn port(&self, name: &str) -> Option<&Port> {
        self.ports.iter().find(|p| p.name == name)
    }
}

/// Why a Verilog text could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VerilogError {
    #[error("module `{module}`: no `endmodule`")]
    Unterminated { module: String },
    #[error(
        "module `{module}`: cannot read range `{range}` of port `{port}` (only numeric [msb:lsb])"
    )]
    BadRange {
        module: String,
        port: String,
        range: String,
    },
    #[error("module `{module}`: port `{port}` is in the header but never declared input/output")]
    Undeclared { module: String, port: String },
    #[error("module `{module}`: {what}")]
    BadInstance { module: String, what: String },
    #[error("no module named `{0}`")]
    NoSuchModule(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Tok {
    Ident(String),
    Range(String),
    Punct(char),
}

fn strip_comments(src: &str) -> String {
    let mut out = String::with_capacity(src.len());
    let b = src.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'/' && b.get(i + 1) == Some(&b'/') {
            while i < b.len() && b[i] != b'\n' {
                i += 1;
            }
        } else if b[i] == b'(' && b.get(i + 1) == Some(&b'*') && b.get(i + 2) != Some(&b')') {
            // An attribute `(* ... *)` (but not the `@(*)` sensitivity list).
            i += 2;
            while i < b.len() && !(b[i] == b'*' && b.get(i + 1) == Some(&b')')) {
                i += 1;
            }
            i += 2;
            out.push(' ');
        } else if b[i] == b'/' && b.get(i + 1) == Some(&b'*') {
            i += 2;
            while i < b.len() && !(b[i] == b'*' && b.get(i + 1) == Some(&b'/')) {
                i += 1;
            }
            i += 2;
            out.push(' ');
        } else {
            // Push whole UTF-8 characters.
            let ch_len = src[i..].chars().next().map_or(1, char::len_utf8);
            out.push_str(&src[i..i + ch_len]);
            i += ch_len;
        }
    }
    out
}

fn tokenize(src: &str) -> Vec<Tok> {
    let mut toks = Vec::new();
    let mut it = src.chars().peekable();
    while let Some(&c) = it.peek() {
        if c.is_whitespace() {
            it.next();
        } else if c.is_ascii_alphanumeric() || c == '_' || c == '$' || c == '\'' {
            let mut s = String::new();
            while let Some(&c) = it.peek() {
                if c.is_ascii_alphanumeric() || c == '_' || c == '$' || c == '\'' {
                    s.push(c);
                    it.next();
                } else {
                    break;
                }
            }
            toks.push(Tok::Ident(s));
        } else if c == '[' {
            let mut s = String::new();
            it.next();
            let mut depth = 1;
            for c in it.by_ref() {
                match c {
                    '[' => depth += 1,
                    ']' => {
                        depth -= 1;
                        if depth == 0 {
                            break;
                        }
                    }
                    _ => {}
                }
                s.push(c);
            }
            toks.push(Tok::Range(s));
        } else if c == '"' {
            it.next();
            for c in it.by_ref() {
                if c == '"' {
                    break;
                }
            }
        } else {
            toks.push(Tok::Punct(c));
            it.next();
        }
    }
    toks
}

fn range_width(module: &str, port: &str, range: &str) -> Result<u32, VerilogError> {
    let bad = || VerilogError::BadRange {
        module: module.into(),
        port: port.into(),
        range: range.into(),
    };
    let (a, b) = range.split_once(':').ok_or_else(bad)?;
    let a: i64 = a.trim().parse().map_err(|_| bad())?;
    let b: i64 = b.trim().parse().map_err(|_| bad())?;
    u32::try_from((a - b).abs() + 1).map_err(|_| bad())
}

/// One named port connection `.port(expr)` of a module instance.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Connection {
    pub port: String,
    /// The connected signal name (the identifier of the expression).
    pub signal: String,
    /// `Some((msb, lsb))` when the expression is a part select `signal[msb:lsb]`.
    pub select: Option<(u32, u32)>,
    /// The expression is inverted (`~signal` / `!signal`).
    pub inverted: bool,
}

/// The named connections of the instance of `inst_type` inside module `module` of `src`.
/// Only simple expressions (`sig`, `~sig`, `!sig`, `sig[msb:lsb]`) are accepted, which is all a
/// port adapter needs.
pub fn instance_connections(
    src: &str,
    module: &str,
    inst_type: &str,
) -> Result<Vec<Connection>, VerilogError> {
    let toks = tokenize(&strip_comments(src));
    let bad = |what: &str| VerilogError::BadInstance {
        module: module.into(),
        what: what.into(),
    };
    // The module's token range.
    let start = toks
        .windows(2)
        .position(|w| w[0] == Tok::Ident("module".into()) && w[1] == Tok::Ident(module.into()))
        .ok_or_else(|| VerilogError::NoSuchModule(module.into()))?;
    let end = toks[start..]
        .iter()
        .position(|t| *t == Tok::Ident("endmodule".into()))
        .map(|p| p + start)
        .ok_or_else(|| VerilogError::Unterminated {
            module: module.into(),
        })?;
    let body = &toks[start..end];
    let at = body
        .windows(3)
        .position(|w| {
            w[0] == Tok::Ident(inst_type.into())
                && matches!(w[1], Tok::Ident(_))
                && w[2] == Tok::Punct('(')
        })
        .ok_or_else(|| bad(&format!("no instance of `{inst_type}`")))?;
    let mut i = at + 3;
    let mut conns = Vec::new();
    loop {
        match body.get(i) {
            Some(Tok::Punct(')')) => break,
            Some(Tok::Punct(',')) => i += 1,
            Some(Tok::Punct('.')) => {
                let Some(Tok::Ident(port)) = body.get(i + 1) else {
                    return Err(bad("`.` without a port name"));
                };
                if body.get(i + 2) != Some(&Tok::Punct('(')) {
                    return Err(bad(&format!("port `{port}` without `(`")));
                }
                let close = body[i + 3..]
                    .iter()
                    .position(|t| *t == Tok::Punct(')'))
                    .map(|p| p + i + 3)
                    .ok_or_else(|| bad(&format!("port `{port}`: no `)`")))?;
                let expr = &body[i + 3..close];
                let (inverted, rest) = match expr.first() {
                    Some(Tok::Punct('~' | '!')) => (true, &expr[1..]),
                    _ => (false, expr),
                };
                let (signal, select) = match rest {
                    [Tok::Ident(s)] => (s.clone(), None),
                    [Tok::Ident(s), Tok::Range(r)] => {
                        let (a, b) = r
                            .split_once(':')
                            .ok_or_else(|| bad(&format!("port `{port}`: range `{r}`")))?;
                        let a: u32 = a
                            .trim()
                            .parse()
                            .map_err(|_| bad(&format!("port `{port}`: range `{r}`")))?;
                        let b: u32 = b
                            .trim()
                            .parse()
                            .map_err(|_| bad(&format!("port `{port}`: range `{r}`")))?;
                        (s.clone(), Some((a, b)))
                    }
                    _ => {
                        return Err(bad(&format!(
                            "port `{port}`: expression is not a plain signal"
                        )))
                    }
                };
                conns.push(Connection {
                    port: port.clone(),
                    signal,
                    select,
                    inverted,
                });
                i = close + 1;
            }
            Some(_) => return Err(bad("unexpected token in the connection list")),
            None => return Err(bad("the connection list does not end")),
        }
    }
    Ok(conns)
}

/// Reads every module of a Verilog text.
pub fn parse_modules(src: &str) -> Result<Vec<Module>, VerilogError> {
    let toks = tokenize(&strip_comments(src));
    let mut modules = Vec::new();
    let mut i = 0;
    while i < toks.len() {
        if toks[i] != Tok::Ident("module".into()) {
            i += 1;
            continue;
        }
        let Some(Tok::Ident(name)) = toks.get(i + 1) else {
            i += 1;
            continue;
        };
        let name = name.clone();
        let end = toks[i..]
            .iter()
            .position(|t| *t == Tok::Ident("endmodule".into()))
            .map(|p| p + i)
            .ok_or_else(|| VerilogError::Unterminated {
                module: name.clone(),
            })?;
        let body = &toks[i + 2..end];
        modules.push(parse_module(&name, body)?);
        i = end + 1;
    }
    Ok(modules)
}

/// Reads the module `name` of a Verilog text.
pub fn parse_module_named(src: &str, name: &str) -> Result<Module, VerilogError> {
    parse_modules(src)?
        .into_iter()
        .find(|m| m.name == name)
        .ok_or_else(|| VerilogError::NoSuchModule(name.into()))
}

fn parse_module(name: &str, body: &[Tok]) -> Result<Module, VerilogError> {
    // Header names (non-ANSI): identifiers between the first '(' and its ')' before the first ';'.
    let mut header: Vec<String> = Vec::new();
    if body.first() == Some(&Tok::Punct('(')) {
        let mut depth = 0;
        for t in body {
            match t {
                Tok::Punct('(') => depth += 1,
                Tok::Punct(')') => {
                    depth -= 1;
                    if depth == 0 {
                        break;
                    }
                }
                Tok::Ident(s) if depth == 1 => header.push(s.clone()),
                _ => {}
            }
        }
    }
    let mut declared: Vec<Port> = Vec::new();
    let mut dir: Option<Dir> = None;
    let mut width = 1u32;
    let mut skip_until: Option<&str> = None;
    for t in body {
        if let Some(end) = skip_until {
            if *t == Tok::Ident(end.into()) {
                skip_until = None;
            }
            continue;
        }
        match t {
            Tok::Ident(s) => match s.as_str() {
                "function" => skip_until = Some("endfunction"),
                "task" => skip_until = Some("endtask"),
                "input" => (dir, width) = (Some(Dir::Input), 1),
                "output" => (dir, width) = (Some(Dir::Output), 1),
                "inout" => (dir, width) = (Some(Dir::Inout), 1),
                "wire" | "reg" | "logic" | "signed" | "unsigned" => {}
                id => {
                    if let Some(d) = dir {
                        if let Some(p) = declared.iter_mut().find(|p| p.name == id) {
                            p.dir = d;
                            p.width = width;
                        } else {
                            declared.push(Port {
                                name: id.to_string(),
                                dir: d,
                                width,
                            });
                        }
                    }
                }
            },
            Tok::Range(r) => {
                if dir.is_some() {
                    width = range_width(name, "?", r)?;
                }
            }
            Tok::Punct(';') | Tok::Punct(')') | Tok::Punct('=') => dir = None,
            Tok::Punct(_) => {}
        }
    }
    let ports = if header.is_empty()
        || header
            .iter()
            .any(|h| matches!(h.as_str(), "input" | "output" | "inout"))
    {
        declared // ANSI: the declarations are the header
    } else {
        header
            .iter()
            .map(|h| {
                declared
                    .iter()
                    .find(|p| &p.name == h)
                    .cloned()
                    .ok_or_else(|| VerilogError::Undeclared {
                        module: name.into(),
                        port: h.clone(),
                    })
            })
            .collect::<Result<Vec<_>, _>>()?
    };
    Ok(Module {
        name: name.to_string(),
        ports,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const RUST_HDL: &str = "\n\nmodule top(clock,wide_in,wide_out,flag);\n    \n    // Module arguments\n    input wire  clock;\n    input wire  [255:0] wide_in;\n    output reg  [255:0] wide_out;\n    output reg  flag;\n    reg  [15:0] cnt$d;\n    top$cnt cnt(\n        .d(cnt$d),\n        .clock(clock)\n    );\nendmodule // top\n\nmodule top$cnt(d,q,clock);\n    input wire [15:0] d;\n    output reg [15:0] q;\n    input wire clock;\nendmodule\n";

    #[test]
    fn reads_rust_hdl_ports() {
        let ms = parse_modules(RUST_HDL).unwrap();
        assert_eq!(ms.len(), 2);
        let top = &ms[0];
        assert_eq!(top.name, "top");
        let got: Vec<(&str, Dir, u32)> = top
            .ports
            .iter()
            .map(|p| (p.name.as_str(), p.dir, p.width))
            .collect();
        assert_eq!(
            got,
            vec![
                ("clock", Dir::Input, 1),
                ("wide_in", Dir::Input, 256),
                ("wide_out", Dir::Output, 256),
                ("flag", Dir::Output, 1)
            ]
        );
        assert_eq!(ms[1].name, "top$cnt");
        assert_eq!(ms[1].port("q").unwrap().width, 16);
    }

    #[test]
    fn reads_ansi_header() {
        let v = "module w #(parameter X = 1) (\n  input  wire        aclk, // clock\n  input wire aresetn,\n  input  wire [7:0]  s_axi_awaddr,\n  output wire [1:0]  s_axi_bresp, s2,\n  output wire irq\n);\n  wire reset = !aresetn;\n  top u (.clock(aclk));\nendmodule\n";
        let m = parse_module_named(v, "w").unwrap();
        let got: Vec<(&str, Dir, u32)> = m
            .ports
            .iter()
            .map(|p| (p.name.as_str(), p.dir, p.width))
            .collect();
        assert_eq!(
            got,
            vec![
                ("aclk", Dir::Input, 1),
                ("aresetn", Dir::Input, 1),
                ("s_axi_awaddr", Dir::Input, 8),
                ("s_axi_bresp", Dir::Output, 2),
                ("s2", Dir::Output, 2),
                ("irq", Dir::Output, 1)
            ]
        );
    }

    #[test]
    fn attributes_are_skipped_and_instances_read() {
        let v = "module w (\n (* X_INTERFACE_INFO = \"a b\" *)\n (* X_INTERFACE_PARAMETER = \"P 1\" *)\n input wire aclk,\n (* X = \"y\" *) input wire [11:0] addr,\n output wire q\n);\n always @(*) begin end\n top u (\n .clock (aclk), .reset(~aclk), .a (addr[7:0]), .q(q)\n );\nendmodule\n";
        let m = parse_module_named(v, "w").unwrap();
        assert_eq!(
            m.ports.iter().map(|p| p.name.as_str()).collect::<Vec<_>>(),
            vec!["aclk", "addr", "q"]
        );
        let c = instance_connections(v, "w", "top").unwrap();
        assert_eq!(c.len(), 4);
        assert_eq!(
            c[1],
            Connection {
                port: "reset".into(),
                signal: "aclk".into(),
                select: None,
                inverted: true
            }
        );
        assert_eq!(c[2].select, Some((7, 0)));
        assert!(matches!(
            instance_connections(v, "w", "nothere"),
            Err(VerilogError::BadInstance { .. })
        ));
    }

    #[test]
    fn errors_are_typed() {
        assert!(matches!(
            parse_modules("module a(x); input x;"),
            Err(VerilogError::Unterminated { .. })
        ));
        assert!(matches!(
            parse_modules("module a(x, y); input x; endmodule"),
            Err(VerilogError::Undeclared { .. })
        ));
        assert!(matches!(
            parse_modules("module a(x); input [W-1:0] x; endmodule"),
            Err(VerilogError::BadRange { .. })
        ));
        assert!(matches!(
            parse_module_named(RUST_HDL, "nope"),
            Err(VerilogError::NoSuchModule(_))
        ));
    }
}
