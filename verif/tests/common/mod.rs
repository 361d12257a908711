pub mod axi;
