DROP TABLE discoverable_members;
DROP TABLE profile_bands;
