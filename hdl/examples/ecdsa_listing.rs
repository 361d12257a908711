//! Prints the verify program's listing (PC, word, disassembly, comments, labels), e.g. to
//! follow an ISS or RTL trace by PC: `cargo run -p satchain-hdl --example ecdsa_listing`.

fn main() {
    let p = satchain_hdl::ecdsa::program::verify_program();
    print!("{}", p.listing);
    eprintln!("{} words", p.words.len());
    if p.words.is_empty() {
        std::process::exit(1);
    }
}
