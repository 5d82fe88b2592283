/* fuzz_check.h - invariants the fuzz targets assert on what they produce.
 *
 * A broken invariant aborts: libFuzzer keeps the input as a crash, and the
 * replay driver fails the CTest test that runs it. */
#ifndef PICFLOW_FUZZ_CHECK_H
#define PICFLOW_FUZZ_CHECK_H

#include <stddef.h>
#include <stdint.h>

#define FUZZ_HDR_LINE_MAX	998	/* RFC 5322 2.1.1 */
#define FUZZ_TEXT_LINE_MAX	78	/* our folded text headers */
#define FUZZ_QP_LINE_MAX	76	/* RFC 2045 6.7 */

/* Aborts with msg (and the offending text) when cond is false. */
#define FUZZ_ASSERT(cond, msg, text) \
	((cond) ? (void)0 : fuzz_fail(__FILE__, __LINE__, (msg), (text)))

void	fuzz_fail(const char *file, int line, const char *msg,
	    const char *text) __attribute__((noreturn));
/* Valid UTF-8 with no byte < 0x20 or 0x7f (tab included). */
int	fuzz_clean_line(const char *s);
/* Valid UTF-8 (no NUL within n). */
int	fuzz_utf8_valid(const char *s, size_t n);
/* Checks a message from mail_build: CRLF everywhere, header lines of
 * printable ASCII within their lengths, continuation lines folded,
 * From/To/Subject/Message-ID/Date present once, a quoted-printable body
 * of printable ASCII lines <= 76. Aborts on any breach. */
void	fuzz_check_message(const char *msg);

/* Splits data at 0xff bytes into at most max NUL-terminated pieces
 * (malloc'd, in one block at *block); missing pieces are "". Returns
 * how many pieces the input really had. */
size_t	fuzz_split(const uint8_t *data, size_t size, char **piece,
	    size_t max, char **block);

#endif
