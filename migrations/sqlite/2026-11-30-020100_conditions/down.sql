DROP TABLE member_conditions;
DROP TABLE conditions;
