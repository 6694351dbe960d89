/* store-pg.c: the store in PostgreSQL (being written). */
#include "store-backend.h"

#include "banned.h"

static enum eg_err pg_open(const char *db, enum store_mode mode, struct store **out,
			   struct eg_diag *diag)
{
	(void)db;
	(void)mode;
	*out = NULL;
	return eg_diag_set(diag, EG_ERR_INVALID, "--db: PostgreSQL is not available yet");
}

const struct store_ops store_pg_ops = {
	.name = "postgresql",
	.open = pg_open,
};
