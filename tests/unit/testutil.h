/* testutil.h - helpers shared by the cmocka unit tests. */
#ifndef PICFLOW_TESTUTIL_H
#define PICFLOW_TESTUTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

/* Contents of TEST_DATA_DIR/relpath, NUL-terminated; fails the test if
 * missing. */
char	*tu_read_data(const char *relpath, size_t *len);
/* A fresh empty temporary directory (removed by tu_rmtree). */
char	*tu_tmpdir(void);
void	 tu_rmtree(const char *dir);

#endif
