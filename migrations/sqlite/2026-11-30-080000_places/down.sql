DROP TABLE place_conditions;
DROP TABLE places;
DROP TABLE editors;
