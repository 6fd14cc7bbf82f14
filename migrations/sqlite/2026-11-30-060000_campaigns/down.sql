DROP TABLE webhook_deliveries;
DROP TABLE donations;
DROP TABLE campaigns;
