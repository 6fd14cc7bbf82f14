//! Registration, login, refresh, logout and password change.

pub mod login;
pub mod logout;
pub mod password;
pub mod refresh;
pub mod register;
