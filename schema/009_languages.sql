-- 009_languages.sql - a request may be written in any language the
-- templates directory has (mailtemplates/<lang>/), not only en and fr: a
-- translator adds a language by adding a directory, so the database must
-- not name the languages either.
--
-- Only the text of one CHECK constraint changes, to one that every stored
-- row already meets, so the table is not rebuilt: its definition is edited
-- in place, as the SQLite documentation allows for such changes ("Making
-- Other Kinds Of Table Schema Changes", lang_altertable.html). replace()
-- touches that constraint alone, whatever the rest of the definition is.
-- RESET makes this connection read the new definition at once; the table
-- created and dropped moves the schema cookie on for every other one.
PRAGMA writable_schema = ON;
UPDATE sqlite_schema
   SET sql = replace(sql, 'CHECK (language IN (''en'', ''fr''))',
	'CHECK (length(language) BETWEEN 2 AND 12 AND language = lower(language))')
 WHERE type = 'table' AND name = 'requests';
PRAGMA writable_schema = RESET;
CREATE TABLE schema_languages_009 (x);
DROP TABLE schema_languages_009;
