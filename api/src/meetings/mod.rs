//! Executive meetings with public-representative observers. So far: the lottery that seats
//! them, which anyone can verify.

pub mod lottery;
