pub mod announcements;
