-- The region whose local help information a participant sees: from their invitation (the programme's
-- region) or their own choice in /info. NULL means the national information only.
ALTER TABLE participants ADD COLUMN region TEXT;
ALTER TABLE invitations ADD COLUMN region TEXT;
