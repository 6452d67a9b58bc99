//! Every endpoint of the fake, over real loopback HTTP. One test binary (with
//! modules) so the suite links once.

mod common;
mod faults;
mod oauth;
mod ringcx;
mod server;
mod shape;
mod voice;
