#!/bin/sh
# The same API suite as t7001, against PostgreSQL: a private server the
# test starts itself (tests/e2e/pg.sh) instead of an SQLite file.
EG_TEST_STORE=pg
export EG_TEST_STORE
exec sh "$SRCDIR/tests/e2e/t7001-server-api.sh"
