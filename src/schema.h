/* schema.h - the migrations of schema/, embedded at build time. */
#ifndef PICFLOW_SCHEMA_H
#define PICFLOW_SCHEMA_H

#include <stddef.h>

struct schema_migration {
	const char	*name;	/* "001_init.sql" */
	const char	*sql;
	size_t		 len;
};

extern const struct schema_migration schema_migrations[];
extern const size_t schema_n_migrations;

#endif
