//! Registration, login, refresh, logout, password change, e-mail verification and password
//! reset.

pub mod login;
pub mod logout;
pub mod password;
pub mod refresh;
pub mod register;
pub mod reset;
pub mod verify;
