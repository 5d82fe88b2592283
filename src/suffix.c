/* suffix.c - the Public Suffix List through libpsl, not a list of our
 * own. The list built into libpsl is Debian's publicsuffix package of the
 * library's build; it needs no file and no state of ours. */
#include "suffix.h"
#include "util.h"

#include <libpsl.h>
#include <string.h>

int
suffix_is_public(const char *domain)
{
	const psl_ctx_t *psl = psl_builtin();

	if (domain == NULL || psl == NULL)
		return 0;
	return psl_is_public_suffix2(psl, domain, PSL_TYPE_ANY) != 0;
}

int
suffix_same_site(const char *a, const char *b)
{
	const psl_ctx_t *psl = psl_builtin();
	const char *ra, *rb;

	if (a == NULL || b == NULL || psl == NULL)
		return 0;
	ra = psl_registrable_domain(psl, a);
	rb = psl_registrable_domain(psl, b);
	return ra != NULL && rb != NULL && str_ieq(ra, rb);
}
