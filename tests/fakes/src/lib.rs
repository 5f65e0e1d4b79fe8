//! Local stand-ins for the services wa-sync talks to. Each listens on 127.0.0.1 on a free port,
//! follows the documented request and response shapes, and records what it was sent so tests can
//! assert on the traffic.

pub mod conformity;
pub mod prerequisites;
pub mod server;
pub mod sts;
pub mod visionone;
pub mod wellarchitected;
