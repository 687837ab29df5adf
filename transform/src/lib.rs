//! transform

pub mod categorise;
