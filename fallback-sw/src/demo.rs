//! Demo block builder (waiting for crypto-core API).
