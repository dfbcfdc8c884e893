"""Site photos without the database: sniffing, EXIF, derivatives and content-addressed storage."""
