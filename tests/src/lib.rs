//! End-to-end tests live in `tests/api/`: they start the real application (the same
//! `Application::build` as `entraide serve`) on a fresh database per test and talk HTTP to it.
